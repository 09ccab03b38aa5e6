package news;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** The companyNews actions: {@code /}, {@code /Read.action}, {@code /Create.action}, {@code /Delete.action}. */
public final class NewsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final int MAX_TITLE = 200;
    static final int MAX_BODY = 10_000;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath();
        if (!path.isEmpty() && !"/".equals(path) && !"/Read.action".equals(path)) {
            resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
            return;
        }
        List<Item> items;
        try {
            items = JournalHolder.of(getServletContext()).journal().items();
        } catch (IOException e) {
            unavailable(resp, e);
            return;
        }
        resp.setHeader("Cache-Control", "no-store");
        if ("json".equals(req.getParameter("format"))) {
            resp.setContentType("application/json;charset=utf-8");
            resp.getWriter().write(Render.json(items));
        } else {
            resp.setContentType("text/html;charset=utf-8");
            resp.getWriter().write(Render.page(items, ServedByFilter.hostname()));
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        req.setCharacterEncoding(StandardCharsets.UTF_8.name());
        switch (req.getServletPath()) {
            case "/Create.action" -> create(req, resp);
            case "/Delete.action" -> delete(req, resp);
            default -> resp.sendError(HttpServletResponse.SC_METHOD_NOT_ALLOWED);
        }
    }

    private void create(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String title = trimmed(req.getParameter("title"));
        String body = trimmed(req.getParameter("body"));
        if (title.isEmpty() || title.length() > MAX_TITLE || body.length() > MAX_BODY) {
            badRequest(resp, "title is required (at most " + MAX_TITLE + " characters), body at most " + MAX_BODY);
            return;
        }
        try {
            JournalHolder.of(getServletContext()).journal().create(title, body);
        } catch (IOException e) {
            unavailable(resp, e);
            return;
        }
        seeOther(resp);
    }

    private void delete(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        long id;
        try {
            id = Long.parseLong(trimmed(req.getParameter("id")));
        } catch (NumberFormatException e) {
            badRequest(resp, "id must be a number");
            return;
        }
        try {
            // Deleting an item that is already gone is not an error: the outcome the user asked for holds.
            JournalHolder.of(getServletContext()).journal().delete(id);
        } catch (IOException e) {
            unavailable(resp, e);
            return;
        }
        seeOther(resp);
    }

    private static String trimmed(String s) {
        return s == null ? "" : s.trim();
    }

    private static void seeOther(HttpServletResponse resp) {
        resp.setStatus(HttpServletResponse.SC_SEE_OTHER);
        resp.setHeader("Location", "/Read.action");
    }

    private static void badRequest(HttpServletResponse resp, String message) throws IOException {
        resp.setStatus(HttpServletResponse.SC_BAD_REQUEST);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().println(message);
    }

    private void unavailable(HttpServletResponse resp, IOException e) throws IOException {
        log("journal unavailable", e);
        resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        resp.setContentType("text/plain;charset=utf-8");
        resp.getWriter().println("the news journal is unavailable; try again shortly");
    }
}
