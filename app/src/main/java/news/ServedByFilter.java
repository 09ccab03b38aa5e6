package news;

import java.io.IOException;
import java.net.InetAddress;
import javax.servlet.Filter;
import javax.servlet.FilterChain;
import javax.servlet.FilterConfig;
import javax.servlet.ServletException;
import javax.servlet.ServletRequest;
import javax.servlet.ServletResponse;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** Tags every response with {@code X-Served-By: <hostname>} and opens an HTTP session so proxies can be sticky. */
public final class ServedByFilter implements Filter {
    private static final String HOSTNAME = resolveHostname();

    /** The name this replica reports in {@code X-Served-By}: the container hostname. */
    public static String hostname() {
        return HOSTNAME;
    }

    private static String resolveHostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void init(FilterConfig config) {}

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletResponse http = (HttpServletResponse) response;
        http.setHeader("X-Served-By", HOSTNAME);
        HttpServletRequest req = (HttpServletRequest) request;
        // Health probes arrive every few seconds from engines and proxies; a session each would only pile up.
        if (!"/health".equals(req.getServletPath())) {
            req.getSession(true);
        }
        chain.doFilter(request, response);
    }

    @Override
    public void destroy() {}
}
