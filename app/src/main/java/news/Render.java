package news;

import java.util.List;

/** Turns items into the JSON and HTML the app answers with. */
public final class Render {
    private Render() {}

    /** The items as a JSON array of {@code {id, title, body, created}}. */
    public static String json(List<Item> items) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            Item item = items.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append("{\"id\":").append(item.id())
                    .append(",\"title\":").append(jsonString(item.title()))
                    .append(",\"body\":").append(jsonString(item.body()))
                    .append(",\"created\":").append(jsonString(item.created()))
                    .append('}');
        }
        return out.append(']').toString();
    }

    /** {@code s} as a JSON string literal. */
    public static String jsonString(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** {@code s} escaped for HTML text and attribute values. */
    public static String html(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The news page: newest item first, a form to add one, a delete button per item. */
    public static String page(List<Item> items, String servedBy) {
        StringBuilder out = new StringBuilder(1024);
        out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>companyNews</title>\n")
                .append("<link rel=\"stylesheet\" href=\"/styles/site.css\">\n</head>\n<body>\n")
                .append("<header><img src=\"/images/logo.svg\" alt=\"companyNews\" width=\"48\" height=\"48\">")
                .append("<h1>companyNews</h1></header>\n<main>\n")
                .append("<form class=\"create\" method=\"post\" action=\"/Create.action\">\n")
                .append("<input name=\"title\" placeholder=\"Title\" required maxlength=\"")
                .append(NewsServlet.MAX_TITLE).append("\">\n")
                .append("<textarea name=\"body\" placeholder=\"What happened?\" maxlength=\"")
                .append(NewsServlet.MAX_BODY).append("\"></textarea>\n")
                .append("<button type=\"submit\">Publish</button>\n</form>\n");
        if (items.isEmpty()) {
            out.append("<p class=\"empty\">No news yet.</p>\n");
        } else {
            out.append("<ul class=\"news\">\n");
            for (int i = items.size() - 1; i >= 0; i--) {
                Item item = items.get(i);
                out.append("<li id=\"item-").append(item.id()).append("\"><h2>").append(html(item.title()))
                        .append("</h2><p>").append(html(item.body())).append("</p><time datetime=\"")
                        .append(html(item.created())).append("\">").append(html(item.created()))
                        .append("</time><form method=\"post\" action=\"/Delete.action\">")
                        .append("<input type=\"hidden\" name=\"id\" value=\"").append(item.id())
                        .append("\"><button type=\"submit\">Delete</button></form></li>\n");
            }
            out.append("</ul>\n");
        }
        out.append("</main>\n<footer>served by ").append(html(servedBy)).append("</footer>\n</body>\n</html>\n");
        return out.toString();
    }
}
