package news;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Tests of the journal with no test framework: {@code java news.JournalTest} runs every case and exits 1 if any fails.
 * {@code java news.JournalTest append FILE WRITER COUNT} is the child process used by the multi-process case.
 */
public final class JournalTest {
    private static int failures;
    private static int passed;

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && "append".equals(args[0])) {
            appendAsChild(Path.of(args[1]), args[2], Integer.parseInt(args[3]));
            return;
        }
        Path root = Files.createTempDirectory("journal-test");
        try {
            run("records survive a reopen and replay in order", () -> replayAfterReopen(root.resolve("t1")));
            run("threads on one and on separate instances lose nothing", () -> concurrentThreads(root.resolve("t2")));
            run("several processes and threads append at once and lose nothing",
                    () -> concurrentProcesses(root.resolve("t3")));
            run("a reader picks up another writer's tail from its last offset",
                    () -> incrementalReplay(root.resolve("t4")));
            run("deletes replay and deleting a missing item appends nothing", () -> deletes(root.resolve("t5")));
            for (Torn torn : Torn.values()) {
                run("a torn tail (" + torn + ") is ignored, then cut by the next append",
                        () -> tornTail(root.resolve("t6-" + torn), torn));
            }
            run("damage followed by valid records is never truncated", () -> midFileDamage(root.resolve("t7")));
            run("a checksummed record of an unknown kind is skipped", () -> unknownRecord(root.resolve("t8")));
            run("json and html escape what users type", JournalTest::rendering);
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println(passed + " passed, " + failures + " failed");
        System.exit(failures == 0 ? 0 : 1);
    }

    private interface Case {
        void run() throws Exception;
    }

    private static void run(String name, Case c) {
        try {
            c.run();
            passed++;
            System.out.println("ok   " + name);
        } catch (Throwable t) {
            failures++;
            System.out.println("FAIL " + name + ": " + t);
            t.printStackTrace(System.out);
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new AssertionError(message);
        }
    }

    private static void equal(Object expected, Object actual, String what) {
        if (!expected.equals(actual)) {
            throw new AssertionError(what + ": expected " + expected + ", got " + actual);
        }
    }

    // ---- cases

    private static void replayAfterReopen(Path dir) throws IOException {
        try (Journal j = Journal.open(dir)) {
            j.create("first", "body one");
            j.create("second ü €", "line\nbreak");
        }
        try (Journal j = Journal.open(dir)) {
            List<Item> items = j.items();
            equal(2, items.size(), "items");
            equal("first", items.get(0).title(), "title 1");
            equal("second ü €", items.get(1).title(), "title 2");
            equal("line\nbreak", items.get(1).body(), "body 2");
            equal(1L, items.get(0).id(), "id 1");
            equal(2L, items.get(1).id(), "id 2");
            equal(Files.size(j.file()), j.offset(), "offset at end");
        }
    }

    private static void concurrentThreads(Path dir) throws Exception {
        int threads = 8;
        int perThread = 50;
        try (Journal a = Journal.open(dir); Journal b = Journal.open(dir)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Journal j = t % 2 == 0 ? a : b;
                String writer = "thread" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perThread; i++) {
                        j.create(writer, Integer.toString(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            verifyWriters(a.items(), threads * perThread);
            verifyWriters(b.items(), threads * perThread);
        }
        try (Journal fresh = Journal.open(dir)) {
            verifyWriters(fresh.items(), threads * perThread);
        }
    }

    private static void concurrentProcesses(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path file = dir.resolve("journal.log");
        int processes = 4;
        int perProcess = 40;
        String java = ProcessHandle.current().info().command().orElse("java");
        List<Process> children = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    JournalTest.class.getName(), "append", file.toString(), "process" + p,
                    Integer.toString(perProcess)).inheritIO().start());
        }
        // This process appends from two threads while the children do.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> futures = new ArrayList<>();
        try (Journal j = new Journal(file)) {
            for (int t = 0; t < 2; t++) {
                String writer = "parent" + t;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perProcess; i++) {
                        j.create(writer, Integer.toString(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdown();
        }
        for (Process child : children) {
            check(child.waitFor(120, TimeUnit.SECONDS), "child did not finish");
            equal(0, child.exitValue(), "child exit status");
        }
        try (Journal fresh = new Journal(file)) {
            verifyWriters(fresh.items(), (processes + 2) * perProcess);
        }
    }

    private static void appendAsChild(Path file, String writer, int count) throws IOException {
        try (Journal j = new Journal(file)) {
            for (int i = 0; i < count; i++) {
                j.create(writer, Integer.toString(i));
            }
        }
    }

    /** Every item present once, ids 1..n with no gap or duplicate, each writer's items in the order it wrote them. */
    private static void verifyWriters(List<Item> items, int expected) {
        equal(expected, items.size(), "item count");
        Set<Long> ids = new HashSet<>();
        Map<String, Integer> next = new HashMap<>();
        for (Item item : items) {
            check(ids.add(item.id()), "duplicate id " + item.id());
            int seq = Integer.parseInt(item.body());
            int want = next.getOrDefault(item.title(), 0);
            equal(want, seq, "sequence of " + item.title());
            next.put(item.title(), seq + 1);
        }
        for (long id = 1; id <= expected; id++) {
            check(ids.contains(id), "missing id " + id);
        }
    }

    private static void incrementalReplay(Path dir) throws IOException {
        try (Journal reader = Journal.open(dir); Journal writer = Journal.open(dir)) {
            equal(0, reader.items().size(), "empty at first");
            writer.create("a", "");
            long before = reader.offset();
            equal(1, reader.items().size(), "sees first write");
            check(reader.offset() > before, "offset advanced");
            long after = reader.offset();
            equal(1, reader.items().size(), "nothing new");
            equal(after, reader.offset(), "offset unchanged without new records");
            writer.create("b", "");
            writer.delete(1);
            List<Item> items = reader.items();
            equal(1, items.size(), "sees create and delete");
            equal("b", items.get(0).title(), "remaining item");
        }
    }

    private static void deletes(Path dir) throws IOException {
        try (Journal j = Journal.open(dir)) {
            Item a = j.create("a", "");
            j.create("b", "");
            check(j.delete(a.id()), "delete of existing answers true");
            long size = Files.size(j.file());
            check(!j.delete(a.id()), "second delete answers false");
            check(!j.delete(999), "delete of unknown answers false");
            equal(size, Files.size(j.file()), "no record for a no-op delete");
            Item c = j.create("c", "");
            equal(3L, c.id(), "ids are never reused");
        }
        try (Journal j = Journal.open(dir)) {
            List<Item> items = j.items();
            equal(2, items.size(), "after replay");
            equal("b", items.get(0).title(), "b kept");
            equal("c", items.get(1).title(), "c kept");
        }
    }

    enum Torn { PARTIAL_HEADER, PARTIAL_PAYLOAD, BAD_CHECKSUM, ZEROS }

    private static void tornTail(Path dir, Torn torn) throws IOException {
        Path file;
        long validEnd;
        try (Journal j = Journal.open(dir)) {
            j.create("kept 1", "x");
            j.create("kept 2", "y");
            file = j.file();
            validEnd = Files.size(file);
        }
        byte[] record = Journal.encodeCreate(new Item(3, "torn", "never seen", "2024-01-01T00:00:00Z"));
        byte[] tail = switch (torn) {
            case PARTIAL_HEADER -> java.util.Arrays.copyOf(record, 7);
            case PARTIAL_PAYLOAD -> java.util.Arrays.copyOf(record, record.length - 3);
            case BAD_CHECKSUM -> {
                byte[] copy = record.clone();
                copy[copy.length - 1] ^= 0x55;
                yield copy;
            }
            case ZEROS -> new byte[4096];
        };
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(raf.length());
            raf.write(tail);
        }
        try (Journal j = Journal.open(dir)) {
            List<Item> items = j.items();
            equal(2, items.size(), "torn record ignored");
            equal(validEnd, j.offset(), "offset stops before the torn record");
            Item next = j.create("after crash", "z");
            equal(3L, next.id(), "next id");
        }
        try (Journal j = Journal.open(dir)) {
            List<Item> items = j.items();
            equal(3, items.size(), "record after the cut tail is readable");
            equal("after crash", items.get(2).title(), "new record");
            equal(Files.size(file), j.offset(), "no garbage left");
        }
    }

    private static void midFileDamage(Path dir) throws IOException {
        Path file;
        try (Journal j = Journal.open(dir)) {
            j.create("one", "");
            j.create("two", "");
            j.create("three", "");
            file = j.file();
        }
        long size = Files.size(file);
        // Flip a payload byte of the second record: records one and three are intact.
        int first = Journal.encodeCreate(new Item(1, "one", "", "")).length;
        try (Journal j = Journal.open(dir)) {
            j.items();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            // Records carry a timestamp of varying length, so locate the second record from the first's header.
            raf.seek(4);
            int len1 = raf.readInt();
            long second = Journal.HEADER + len1;
            raf.seek(second + Journal.HEADER + 2);
            int b = raf.read();
            raf.seek(second + Journal.HEADER + 2);
            raf.write(b ^ 0x01);
        }
        check(first > 0, "encoder works");
        try (Journal j = Journal.open(dir)) {
            equal(1, j.items().size(), "reader stops at the damage");
            boolean refused = false;
            try {
                j.create("four", "");
            } catch (IOException e) {
                refused = true;
            }
            check(refused, "append refused while valid records follow the damage");
        }
        equal(size, Files.size(file), "file untouched");
    }

    private static void unknownRecord(Path dir) throws IOException {
        Path file;
        try (Journal j = Journal.open(dir)) {
            j.create("one", "");
            file = j.file();
        }
        byte[] payload = {'Z', 1, 2, 3};
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(payload);
        ByteBuffer rec = ByteBuffer.allocate(Journal.HEADER + payload.length);
        rec.putInt(Journal.MAGIC).putInt(payload.length).putInt((int) crc.getValue()).put(payload);
        Files.write(file, rec.array(), java.nio.file.StandardOpenOption.APPEND);
        try (Journal j = Journal.open(dir)) {
            j.create("two", "");
        }
        try (Journal j = Journal.open(dir)) {
            List<Item> items = j.items();
            equal(2, items.size(), "unknown record skipped, later one read");
            equal(Files.size(file), j.offset(), "offset past everything");
        }
    }

    private static void rendering() {
        List<Item> items = List.of(new Item(7, "a \"quote\" <b>", "back\\slash\nnew\u0001", "2024-01-01T00:00:00Z"));
        equal("[{\"id\":7,\"title\":\"a \\\"quote\\\" <b>\",\"body\":\"back\\\\slash\\nnew\\u0001\","
                + "\"created\":\"2024-01-01T00:00:00Z\"}]", Render.json(items), "json");
        String page = Render.page(items, "host<1>");
        check(page.contains("a &quot;quote&quot; &lt;b&gt;"), "title escaped in html");
        check(!page.contains("<b>"), "no raw markup from users");
        check(page.contains("/styles/site.css") && page.contains("/images/logo.svg"), "links the static assets");
        check(page.contains("host&lt;1&gt;"), "served-by escaped");
        equal("[]", Render.json(List.of()), "empty json");
    }
}
