package news.launcher;

import java.util.regex.Pattern;
import javax.servlet.http.HttpServletRequest;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.server.session.DefaultSessionIdManager;
import org.eclipse.jetty.server.session.HouseKeeper;
import org.eclipse.jetty.webapp.WebAppContext;

/**
 * Starts Jetty with the companyNews WAR at {@code /}.
 *
 * <p>Settings (system properties): {@code news.port} (8080), {@code news.war} (/opt/companynews/companynews.war),
 * {@code news.stopTimeoutMs} (8000: below Docker's default 10 s grace so in-flight requests finish before SIGKILL).
 * On SIGTERM the JVM runs Jetty's shutdown hook: the connector stops accepting, then the StatisticsHandler waits for
 * in-flight requests up to the stop timeout.
 */
public final class Main {
    private static final Pattern SESSION_ID = Pattern.compile("[A-Za-z0-9]{8,64}(\\.[A-Za-z0-9]{1,32})?");

    private Main() {}

    /**
     * A session id manager that adopts an id the client already carries when this replica does not know it.
     *
     * <p>Proxies keep a client on one replica by hashing its JSESSIONID. When a client lands on another replica (first
     * visit balanced elsewhere, a replica gone, a scale change), Jetty would issue a fresh id, which hashes to any
     * replica again, and the client bounces until an id happens to hash back to its issuer. Keeping the id keeps the
     * hash, so the client stays where it now is. The app stores nothing in sessions (they exist for stickiness), so
     * adopting a client-chosen id exposes nothing.
     */
    static final class StickySessionIds extends DefaultSessionIdManager {
        StickySessionIds(Server server) {
            super(server);
        }

        @Override
        public String newSessionId(HttpServletRequest request, long created) {
            String requested = request == null ? null : request.getRequestedSessionId();
            if (requested != null && SESSION_ID.matcher(requested).matches()) {
                return getId(requested);
            }
            return super.newSessionId(request, created);
        }
    }

    /** Runs the server until the JVM is asked to stop. */
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("news.port", 8080);
        String war = System.getProperty("news.war", "/opt/companynews/companynews.war");
        long stopTimeout = Long.getLong("news.stopTimeoutMs", 8000L);

        Server server = new Server();
        StickySessionIds sessionIds = new StickySessionIds(server);
        // Every cookie-less request (a load test) opens a session; sweep idle ones every minute, not every ten.
        HouseKeeper houseKeeper = new HouseKeeper();
        houseKeeper.setIntervalSec(60);
        sessionIds.setSessionHouseKeeper(houseKeeper);
        server.setSessionIdManager(sessionIds);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setPort(port);
        server.addConnector(connector);

        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(war);
        webapp.setThrowUnavailableOnStartupException(true);

        StatisticsHandler stats = new StatisticsHandler();
        stats.setHandler(webapp);
        server.setHandler(stats);
        server.setStopTimeout(stopTimeout);
        server.setStopAtShutdown(true);

        server.start();
        server.join();
    }
}
