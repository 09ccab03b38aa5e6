package news;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import javax.servlet.ServletContext;
import javax.servlet.ServletContextEvent;
import javax.servlet.ServletContextListener;

/** Opens the journal when the web app starts (or later, once the data folder becomes usable) and closes it at stop. */
public final class JournalHolder implements ServletContextListener {
    private static final String ATTRIBUTE = JournalHolder.class.getName();

    private final Path dataDir;
    private Journal journal;

    /** Creates a holder for the folder named by {@code COMPANYNEWS_DATA} (default {@code /data}). */
    public JournalHolder() {
        String dir = System.getenv("COMPANYNEWS_DATA");
        this.dataDir = Paths.get(dir == null || dir.isBlank() ? "/data" : dir);
    }

    /** The holder registered in {@code context}. */
    public static JournalHolder of(ServletContext context) {
        return (JournalHolder) context.getAttribute(ATTRIBUTE);
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute(ATTRIBUTE, this);
        try {
            journal();
        } catch (IOException e) {
            // Not fatal: /health answers 503 until the folder is usable, and the next request tries again.
            event.getServletContext().log("journal in " + dataDir + " is not usable yet: " + e);
        }
    }

    @Override
    public synchronized void contextDestroyed(ServletContextEvent event) {
        if (journal != null) {
            try {
                journal.close();
            } catch (IOException e) {
                event.getServletContext().log("closing journal: " + e);
            }
            journal = null;
        }
    }

    /** The open journal, opening it on first use. */
    public synchronized Journal journal() throws IOException {
        if (journal == null) {
            journal = Journal.open(dataDir);
        }
        return journal;
    }

    /** Throws unless the journal can be read and the data folder written and flushed right now. */
    public void check(String probeName) throws IOException {
        journal().refresh();
        Path probe = dataDir.resolve(".health-" + probeName);
        try {
            Files.write(probe, new byte[] {'o', 'k'}, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.DSYNC);
        } finally {
            Files.deleteIfExists(probe);
        }
    }
}
