package news.launcher;

import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
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
    private Main() {}

    /** Runs the server until the JVM is asked to stop. */
    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("news.port", 8080);
        String war = System.getProperty("news.war", "/opt/companynews/companynews.war");
        long stopTimeout = Long.getLong("news.stopTimeoutMs", 8000L);

        Server server = new Server();
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
