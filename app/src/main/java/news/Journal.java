package news;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;

/**
 * An append-only journal of create/delete commands shared by every replica that mounts the same folder.
 *
 * <p>File format: a sequence of records, each {@code MAGIC(int) LENGTH(int) CRC32(int) PAYLOAD(LENGTH bytes)}, big
 * endian, where the CRC covers the payload. Appenders hold an exclusive {@link FileLock} on the whole file (which works
 * across processes and containers sharing one kernel) and force the write to disk before they return. Readers take
 * no lock: they replay from the last offset they have read and stop at the first record that is incomplete or fails
 * its checksum, which is either a write in progress or the torn tail of a crashed writer. An appender that finds such
 * a tail while it holds the lock knows no one is writing, so it cuts the tail off before it appends.
 */
public final class Journal implements AutoCloseable {
    static final int MAGIC = 0x54574A31; // "TWJ1"
    static final int HEADER = 12;
    static final int MAX_PAYLOAD = 1 << 20;
    static final byte OP_CREATE = 'C';
    static final byte OP_DELETE = 'D';

    // FileChannel.lock() is per process: two channels of one JVM on one file throw OverlappingFileLockException,
    // so threads (and Journal instances) of one JVM queue on this lock first.
    private static final Map<Path, ReentrantLock> PROCESS_LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final FileChannel channel;
    private final ReentrantLock processLock;
    private final Object stateLock = new Object();
    private final LinkedHashMap<Long, Item> items = new LinkedHashMap<>();
    private long offset;
    private long maxId;

    /** Opens (creating if needed) the journal file {@code journal.log} in the folder {@code dir}. */
    public static Journal open(Path dir) throws IOException {
        Files.createDirectories(dir);
        return new Journal(dir.resolve("journal.log"));
    }

    /** Opens (creating if needed) the journal at {@code file}. */
    public Journal(Path file) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.channel = FileChannel.open(this.file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.processLock = PROCESS_LOCKS.computeIfAbsent(this.file, p -> new ReentrantLock());
    }

    /** The journal file. */
    public Path file() {
        return file;
    }

    /** The offset up to which this instance has replayed the file. */
    public long offset() {
        synchronized (stateLock) {
            return offset;
        }
    }

    /** Replays records appended since the last call (by anyone) and answers the current items, oldest first. */
    public List<Item> items() throws IOException {
        synchronized (stateLock) {
            replayTail();
            return new ArrayList<>(items.values());
        }
    }

    /** Reads any new tail of the journal; throws if the file cannot be read. */
    public void refresh() throws IOException {
        synchronized (stateLock) {
            replayTail();
        }
    }

    /** Appends a create command and answers the stored item; its id is unique across every appender. */
    public Item create(String title, String body) throws IOException {
        return appendLocked(nextId -> {
            Item item = new Item(nextId, title, body, Instant.now().toString());
            return new Pending(encodeCreate(item), item);
        });
    }

    /** Appends a delete command; answers false (and appends nothing) when no such item exists. */
    public boolean delete(long id) throws IOException {
        Item gone = appendLocked(nextId -> {
            Item existing = items.get(id);
            if (existing == null) {
                return null;
            }
            return new Pending(encodeDelete(id), existing);
        });
        return gone != null;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private record Pending(byte[] record, Item result) {}

    private interface Command {
        Pending prepare(long nextId);
    }

    private Item appendLocked(Command command) throws IOException {
        processLock.lock();
        try (FileLock lock = channel.lock()) {
            synchronized (stateLock) {
                long validEnd = replayTail();
                long size = channel.size();
                if (size > validEnd) {
                    // Under the exclusive lock nobody is writing, so bytes past the last valid record are the torn
                    // tail of a writer that died; cut them so our record (and everyone's later ones) stays readable.
                    // If a valid record follows them, this is damage in the middle of the file, not a torn tail:
                    // refuse to write rather than destroy data.
                    if (validRecordAfter(validEnd, size) >= 0) {
                        throw new IOException("journal " + file + " is damaged at offset " + validEnd
                                + " and has valid records after it; refusing to append");
                    }
                    channel.truncate(validEnd);
                }
                Pending pending = command.prepare(maxId + 1);
                if (pending == null) {
                    return null;
                }
                ByteBuffer buf = ByteBuffer.wrap(pending.record());
                long pos = validEnd;
                while (buf.hasRemaining()) {
                    pos += channel.write(buf, pos);
                }
                channel.force(true);
                replayTail();
                return pending.result();
            }
        } finally {
            processLock.unlock();
        }
    }

    /** Applies every complete, valid record past {@code offset}; answers the end of the last valid record. */
    private long replayTail() throws IOException {
        long size = channel.size();
        while (offset + HEADER <= size) {
            ByteBuffer header = ByteBuffer.allocate(HEADER);
            if (!readFully(header, offset)) {
                break;
            }
            header.flip();
            int magic = header.getInt();
            int length = header.getInt();
            int crc = header.getInt();
            if (magic != MAGIC || length < 1 || length > MAX_PAYLOAD || offset + HEADER + length > size) {
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            if (!readFully(payload, offset + HEADER)) {
                break;
            }
            byte[] bytes = payload.array();
            CRC32 sum = new CRC32();
            sum.update(bytes);
            if ((int) sum.getValue() != crc) {
                break;
            }
            // A checksummed record this version cannot decode (a newer command) is skipped, never treated as a tail.
            apply(bytes);
            offset += HEADER + length;
        }
        return offset;
    }

    private boolean readFully(ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int n = channel.read(buf, pos);
            if (n < 0) {
                return false;
            }
            pos += n;
        }
        return true;
    }

    /** Answers the offset of the first complete, checksummed record strictly after {@code from}, or -1. */
    private long validRecordAfter(long from, long size) throws IOException {
        long span = size - from;
        if (span > 64L << 20) {
            return from + 1; // too much unreadable data to be a torn record; treat as damage
        }
        ByteBuffer region = ByteBuffer.allocate((int) span);
        if (!readFully(region, from)) {
            return -1;
        }
        byte[] bytes = region.array();
        for (int i = 1; i + HEADER <= bytes.length; i++) {
            ByteBuffer at = ByteBuffer.wrap(bytes, i, HEADER);
            if (at.getInt() != MAGIC) {
                continue;
            }
            int length = at.getInt();
            int crc = at.getInt();
            if (length < 1 || length > MAX_PAYLOAD || i + HEADER + (long) length > bytes.length) {
                continue;
            }
            CRC32 sum = new CRC32();
            sum.update(bytes, i + HEADER, length);
            if ((int) sum.getValue() == crc) {
                return from + i;
            }
        }
        return -1;
    }

    private boolean apply(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            byte op = in.readByte();
            long id = in.readLong();
            if (op == OP_CREATE) {
                String created = readString(in);
                String title = readString(in);
                String body = readString(in);
                items.put(id, new Item(id, title, body, created));
                maxId = Math.max(maxId, id);
                return true;
            }
            if (op == OP_DELETE) {
                items.remove(id);
                return true;
            }
            return false;
        } catch (EOFException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] encodeCreate(Item item) {
        return frame(out -> {
            out.writeByte(OP_CREATE);
            out.writeLong(item.id());
            writeString(out, item.created());
            writeString(out, item.title());
            writeString(out, item.body());
        });
    }

    static byte[] encodeDelete(long id) {
        return frame(out -> {
            out.writeByte(OP_DELETE);
            out.writeLong(id);
        });
    }

    private interface PayloadWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] frame(PayloadWriter writer) {
        try {
            ByteArrayOutputStream payloadBytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(payloadBytes)) {
                writer.write(out);
            }
            byte[] payload = payloadBytes.toByteArray();
            if (payload.length > MAX_PAYLOAD) {
                throw new IllegalArgumentException("record too large: " + payload.length + " bytes");
            }
            CRC32 sum = new CRC32();
            sum.update(payload);
            ByteBuffer record = ByteBuffer.allocate(HEADER + payload.length);
            record.putInt(MAGIC).putInt(payload.length).putInt((int) sum.getValue()).put(payload);
            return record.array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_PAYLOAD) {
            throw new EOFException("bad string length " + n);
        }
        byte[] bytes = in.readNBytes(n);
        if (bytes.length != n) {
            throw new EOFException("short string");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
