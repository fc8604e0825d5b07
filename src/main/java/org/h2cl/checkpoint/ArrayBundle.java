package org.h2cl.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.CRC32;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.h2cl.storage.FreeSpace;

/**
 * An ordered map from names to primitive arrays ({@code float[]}, {@code double[]}, {@code int[]},
 * {@code short[]}, {@code byte[]}), each with a shape, plus text metadata; the unit a checkpoint is
 * made of. Arrays are held by reference, not copied, so a bundle of a 50 MB model costs no extra
 * memory; do not change an array after putting it.
 *
 * <p>File format, version 1, every number little-endian:
 *
 * <pre>
 *   magic       8 bytes  0x89 'H' '2' 'C' 'K' 'P' 'T' '\n'
 *   version     int32    1
 *   metadata    int32 count, then count x (key string, value string)
 *   entries     int32 count, then count x entry
 *   checksum    int32    CRC32 of every byte before it
 *
 *   string      int32 length in bytes, then UTF-8 bytes
 *   entry       int8 type tag (1 float32, 2 float64, 3 int32, 4 int16, 5 int8), name string,
 *               int32 rank, rank x int32 dimension, int32 element count, element count x element
 * </pre>
 *
 * Metadata comes first so that {@link #readMetadata} can check a checkpoint's provenance without
 * reading its arrays.
 */
public final class ArrayBundle {

  /** Element types a bundle holds, with their tags in the file. */
  public enum Type {
    FLOAT32(1, Float.BYTES),
    FLOAT64(2, Double.BYTES),
    INT32(3, Integer.BYTES),
    INT16(4, Short.BYTES),
    INT8(5, Byte.BYTES);

    final byte tag;
    final int bytes;

    Type(int tag, int bytes) {
      this.tag = (byte) tag;
      this.bytes = bytes;
    }

    static Type ofTag(byte tag) {
      for (Type t : values()) {
        if (t.tag == tag) {
          return t;
        }
      }
      return null;
    }
  }

  /** The format version this class writes and the only one it reads. */
  public static final int FORMAT_VERSION = 1;

  private static final byte[] MAGIC = {(byte) 0x89, 'H', '2', 'C', 'K', 'P', 'T', '\n'};
  private static final int MAX_RANK = 16;
  // Large enough for bulk copies to run at memory speed, small enough to cost nothing per bundle.
  private static final int CHUNK_BYTES = 1 << 20;

  private record Entry(Type type, Object data, int length, int[] shape) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private final String source;

  /** An empty bundle. */
  public ArrayBundle() {
    this("in-memory bundle");
  }

  private ArrayBundle(String source) {
    this.source = source;
  }

  /**
   * Puts {@code values} under {@code name}, replacing an entry of that name.
   *
   * @param shape the array's dimensions; none means one dimension of {@code values.length}
   */
  public ArrayBundle put(String name, float[] values, int... shape) {
    return putArray(name, Type.FLOAT32, values, values.length, shape);
  }

  /** As {@link #put(String, float[], int...)}, for doubles. */
  public ArrayBundle put(String name, double[] values, int... shape) {
    return putArray(name, Type.FLOAT64, values, values.length, shape);
  }

  /** As {@link #put(String, float[], int...)}, for ints. */
  public ArrayBundle put(String name, int[] values, int... shape) {
    return putArray(name, Type.INT32, values, values.length, shape);
  }

  /** As {@link #put(String, float[], int...)}, for shorts. */
  public ArrayBundle put(String name, short[] values, int... shape) {
    return putArray(name, Type.INT16, values, values.length, shape);
  }

  /** As {@link #put(String, float[], int...)}, for bytes. */
  public ArrayBundle put(String name, byte[] values, int... shape) {
    return putArray(name, Type.INT8, values, values.length, shape);
  }

  private ArrayBundle putArray(String name, Type type, Object values, int length, int[] shape) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("array name must not be empty");
    }
    int[] dims = shape.length == 0 ? new int[] {length} : shape.clone();
    if (dims.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "array '" + name + "': rank " + dims.length + " exceeds " + MAX_RANK);
    }
    if (elementCount(dims) != length) {
      throw new IllegalArgumentException(
          "array '"
              + name
              + "': shape "
              + Arrays.toString(dims)
              + " holds "
              + elementCount(dims)
              + " elements, the array has "
              + length);
    }
    entries.put(name, new Entry(type, values, length, dims));
    return this;
  }

  /**
   * The float array named {@code name}; a missing entry or another type is a CheckpointException.
   */
  public float[] floats(String name) {
    return (float[]) get(name, Type.FLOAT32);
  }

  /** The double array named {@code name}. */
  public double[] doubles(String name) {
    return (double[]) get(name, Type.FLOAT64);
  }

  /** The int array named {@code name}. */
  public int[] ints(String name) {
    return (int[]) get(name, Type.INT32);
  }

  /** The short array named {@code name}. */
  public short[] shorts(String name) {
    return (short[]) get(name, Type.INT16);
  }

  /** The byte array named {@code name}. */
  public byte[] bytes(String name) {
    return (byte[]) get(name, Type.INT8);
  }

  private Object get(String name, Type type) {
    Entry e = entry(name);
    if (e.type != type) {
      throw new CheckpointException(
          source + ": array '" + name + "' is " + e.type + ", expected " + type);
    }
    return e.data;
  }

  private Entry entry(String name) {
    Entry e = entries.get(name);
    if (e == null) {
      throw new CheckpointException(
          source + ": has no array '" + name + "' (it has " + entries.keySet() + ")");
    }
    return e;
  }

  /** The element type of the array named {@code name}. */
  public Type type(String name) {
    return entry(name).type;
  }

  /** The dimensions of the array named {@code name} (a copy). */
  public int[] shape(String name) {
    return entry(name).shape.clone();
  }

  /** Array names, in the order they were put. */
  public Set<String> names() {
    return Collections.unmodifiableSet(entries.keySet());
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** Sets a metadata entry, replacing one of that key. */
  public ArrayBundle putMeta(String key, String value) {
    if (key == null || key.isEmpty() || value == null) {
      throw new IllegalArgumentException("metadata needs a non-empty key and a value");
    }
    metadata.put(key, value);
    return this;
  }

  /**
   * The metadata value of {@code key}; a missing key is a CheckpointException naming the source.
   */
  public String meta(String key) {
    String v = metadata.get(key);
    if (v == null) {
      throw new CheckpointException(source + ": has no metadata '" + key + "'");
    }
    return v;
  }

  public Optional<String> findMeta(String key) {
    return Optional.ofNullable(metadata.get(key));
  }

  /** All metadata, in the order it was put (read-only view). */
  public Map<String, String> metadata() {
    return Collections.unmodifiableMap(metadata);
  }

  /** Where this bundle was read from, or "in-memory bundle"; used in error messages. */
  public String source() {
    return source;
  }

  /**
   * Writes the bundle to {@code path}, replacing a file there. The bytes go to a hidden temporary
   * file in the same folder, which is renamed to {@code path} only once complete, so {@code path}
   * never holds a partly written bundle; the temporary file is removed when the write fails.
   */
  public void write(FileSystem fs, Path path) {
    Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp-" + UUID.randomUUID());
    try {
      try (OutputStream out = fs.create(tmp, false)) {
        writeTo(out);
      }
      if (!fs.rename(tmp, path)) {
        // Hadoop's rename does not replace an existing file; the old file is the same checkpoint
        // written again (a retried task), so removing it first loses nothing.
        if (!fs.exists(path) || !fs.delete(path, false) || !fs.rename(tmp, path)) {
          throw new IOException("could not rename " + tmp + " to " + path);
        }
      }
    } catch (IOException | RuntimeException | FSError e) {
      // A full local disk arrives as Hadoop's FSError, an Error.
      deleteQuietly(fs, tmp);
      throw new CheckpointException(
          "cannot write checkpoint "
              + path
              + ": "
              // HDFS's messages carry the name node's stack trace on further lines.
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              + FreeSpace.describeFree(fs, path.getParent())
              + "; nothing of it was kept, and the seed resumes after its last checkpoint when the"
              + " same command runs again",
          e);
    } catch (Error e) {
      deleteQuietly(fs, tmp);
      throw e;
    }
  }

  private static void deleteQuietly(FileSystem fs, Path p) {
    try {
      fs.delete(p, false);
    } catch (IOException | RuntimeException | FSError ignored) {
      // The original failure is what matters; a left-over hidden temporary file is harmless.
    }
  }

  /**
   * The bytes one array takes in the file format above, for estimating a file's size without
   * building it.
   */
  public static long entryBytes(String name, Type type, int... shape) {
    return 1 + 4 + utf8(name).length + 4 + 4L * shape.length + 4 + elementCount(shape) * type.bytes;
  }

  /** The bytes of a file holding {@code metadata} and arrays of {@code entryBytes} in all. */
  public static long fileBytes(Map<String, String> metadata, long entryBytes) {
    long meta = 0;
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      meta += 4 + utf8(m.getKey()).length + 4 + utf8(m.getValue()).length;
    }
    return MAGIC.length + 4 + 4 + meta + 4 + entryBytes + 4;
  }

  /** Writes the bundle in the format above to {@code out}, which stays open. */
  public void writeTo(OutputStream out) throws IOException {
    Writer w = new Writer(out);
    w.bytes(MAGIC);
    w.int32(FORMAT_VERSION);
    w.int32(metadata.size());
    for (Map.Entry<String, String> m : metadata.entrySet()) {
      w.string(m.getKey());
      w.string(m.getValue());
    }
    w.int32(entries.size());
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry v = e.getValue();
      w.int8(v.type.tag);
      w.string(e.getKey());
      w.int32(v.shape.length);
      for (int d : v.shape) {
        w.int32(d);
      }
      w.int32(v.length);
      w.array(v.type, v.data, v.length);
    }
    w.finish();
  }

  /**
   * Reads a bundle written by {@link #write}, checking magic, version, every length and the
   * checksum.
   *
   * @throws CheckpointException naming {@code path} when the file is missing, truncated or
   *     corrupted
   */
  public static ArrayBundle read(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      return readFrom(in, fs.getFileStatus(path).getLen(), path.toString());
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + path + ": " + e, e);
    }
  }

  /**
   * Reads only the metadata of the bundle at {@code path}, without its arrays; the checksum is not
   * verified (that needs the whole file).
   */
  public static Map<String, String> readMetadata(FileSystem fs, Path path) {
    try (InputStream in = fs.open(path)) {
      Reader r = new Reader(in, fs.getFileStatus(path).getLen(), path.toString());
      ArrayBundle b = new ArrayBundle(path.toString());
      r.header(b);
      return b.metadata();
    } catch (IOException e) {
      throw new CheckpointException("cannot read checkpoint " + path + ": " + e, e);
    }
  }

  /**
   * Reads a bundle from {@code in}.
   *
   * @param length the number of bytes the stream holds (for checking lengths before allocating), or
   *     {@code Long.MAX_VALUE} if unknown
   * @param source names the stream in error messages
   */
  public static ArrayBundle readFrom(InputStream in, long length, String source)
      throws IOException {
    Reader r = new Reader(in, length, source);
    ArrayBundle b = new ArrayBundle(source);
    r.header(b);
    int count = r.count("array count");
    for (int i = 0; i < count; i++) {
      r.context = "array " + (i + 1) + " of " + count;
      Type type = Type.ofTag(r.int8());
      if (type == null) {
        throw r.corrupt("unknown type tag");
      }
      String name = r.string();
      r.context = "array '" + name + "'";
      int rank = r.int32();
      if (rank < 0 || rank > MAX_RANK) {
        throw r.corrupt("rank " + rank + " outside 0.." + MAX_RANK);
      }
      int[] shape = new int[rank];
      for (int d = 0; d < rank; d++) {
        shape[d] = r.int32();
        if (shape[d] < 0) {
          throw r.corrupt("negative dimension " + shape[d]);
        }
      }
      int n = r.int32();
      if (n < 0 || elementCount(shape) != n) {
        throw r.corrupt("element count " + n + " does not match shape " + Arrays.toString(shape));
      }
      if (b.entries.containsKey(name)) {
        throw r.corrupt("the name appears twice");
      }
      r.ensureAvailable((long) n * type.bytes);
      b.entries.put(name, new Entry(type, r.array(type, n), n, shape));
    }
    r.context = "checksum";
    r.checksumAndEnd();
    return b;
  }

  private static long elementCount(int[] shape) {
    long n = 1;
    for (int d : shape) {
      n *= d;
      if (n > Integer.MAX_VALUE) {
        return -1;
      }
    }
    return n;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Buffers little-endian values into chunks and keeps the running CRC32 of everything written. */
  private static final class Writer {
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32 crc = new CRC32();

    Writer(OutputStream out) {
      this.out = out;
    }

    private void room(int n) throws IOException {
      if (buf.remaining() < n) {
        flush();
      }
    }

    private void flush() throws IOException {
      crc.update(buf.array(), 0, buf.position());
      out.write(buf.array(), 0, buf.position());
      buf.clear();
    }

    void int8(byte v) throws IOException {
      room(1);
      buf.put(v);
    }

    void int32(int v) throws IOException {
      room(4);
      buf.putInt(v);
    }

    void bytes(byte[] b) throws IOException {
      array(Type.INT8, b, b.length);
    }

    void string(String s) throws IOException {
      byte[] b = utf8(s);
      int32(b.length);
      bytes(b);
    }

    void array(Type type, Object data, int length) throws IOException {
      int done = 0;
      while (done < length) {
        room(type.bytes);
        int n = Math.min(length - done, buf.remaining() / type.bytes);
        // The typed views copy in bulk (a memory copy on little-endian hardware).
        switch (type) {
          case FLOAT32 -> buf.asFloatBuffer().put((float[]) data, done, n);
          case FLOAT64 -> buf.asDoubleBuffer().put((double[]) data, done, n);
          case INT32 -> buf.asIntBuffer().put((int[]) data, done, n);
          case INT16 -> buf.asShortBuffer().put((short[]) data, done, n);
          case INT8 -> buf.put((byte[]) data, done, n);
        }
        if (type != Type.INT8) {
          buf.position(buf.position() + n * type.bytes);
        }
        done += n;
      }
    }

    void finish() throws IOException {
      flush();
      buf.putInt((int) crc.getValue());
      out.write(buf.array(), 0, 4);
      out.flush();
    }
  }

  /**
   * Reads little-endian values through a chunk buffer, keeps the CRC32 of every byte consumed, and
   * turns every shortfall or inconsistency into a CheckpointException naming the source.
   */
  private static final class Reader {
    private final InputStream in;
    private final long length;
    private final String source;
    private final ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final CRC32 crc = new CRC32();
    private long consumed; // bytes handed out of buf so far
    String context = "header";

    Reader(InputStream in, long length, String source) {
      this.in = in;
      this.length = length;
      this.source = source;
      buf.limit(0);
    }

    CheckpointException corrupt(String what) {
      return new CheckpointException(
          "checkpoint "
              + source
              + " is corrupted: "
              + what
              + " (in "
              + context
              + ", at byte "
              + consumed
              + ")");
    }

    private CheckpointException truncated() {
      return new CheckpointException(
          "checkpoint "
              + source
              + " is truncated: it ends at byte "
              + consumed
              + " while reading "
              + context
              + (length == Long.MAX_VALUE ? "" : " (file size " + length + ")"));
    }

    /** Makes at least n bytes (n <= CHUNK_BYTES) available in buf, or fails as truncated. */
    private void need(int n) throws IOException {
      if (buf.remaining() >= n) {
        return;
      }
      buf.compact();
      while (buf.position() < n) {
        int r = in.read(buf.array(), buf.position(), buf.capacity() - buf.position());
        if (r < 0) {
          buf.flip();
          throw truncated();
        }
        buf.position(buf.position() + r);
      }
      buf.flip();
    }

    /** Hands out n bytes from buf: they count towards the checksum. */
    private void take(int n) {
      crc.update(buf.array(), buf.position(), n);
      buf.position(buf.position() + n);
      consumed += n;
    }

    /** Refuses a length field that points past the end of the file, before allocating for it. */
    void ensureAvailable(long bytes) {
      long left = length - consumed - Integer.BYTES;
      if (length != Long.MAX_VALUE && bytes > left) {
        throw new CheckpointException(
            "checkpoint "
                + source
                + " is truncated or corrupted: "
                + context
                + " needs "
                + bytes
                + " bytes, but only "
                + Math.max(0, left)
                + " remain before the checksum (file size "
                + length
                + ")");
      }
    }

    byte int8() throws IOException {
      need(1);
      byte v = buf.get(buf.position());
      take(1);
      return v;
    }

    int int32() throws IOException {
      need(4);
      int v = buf.getInt(buf.position());
      take(4);
      return v;
    }

    int count(String what) throws IOException {
      int n = int32();
      if (n < 0) {
        throw corrupt("negative " + what + " " + n);
      }
      return n;
    }

    String string() throws IOException {
      int n = int32();
      if (n < 0) {
        throw corrupt("negative string length " + n);
      }
      ensureAvailable(n);
      return new String((byte[]) array(Type.INT8, n), StandardCharsets.UTF_8);
    }

    void header(ArrayBundle b) throws IOException {
      need(MAGIC.length);
      byte[] magic = Arrays.copyOfRange(buf.array(), buf.position(), buf.position() + MAGIC.length);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new CheckpointException(
            "file "
                + source
                + " is not an H2 checkpoint (it does not start with the "
                + "checkpoint magic bytes)");
      }
      take(MAGIC.length);
      int version = int32();
      if (version != FORMAT_VERSION) {
        throw new CheckpointException(
            "checkpoint "
                + source
                + " has format version "
                + version
                + "; this build reads version "
                + FORMAT_VERSION);
      }
      context = "metadata";
      int count = count("metadata count");
      for (int i = 0; i < count; i++) {
        String key = string();
        String value = string();
        b.metadata.put(key, value);
      }
    }

    Object array(Type type, int n) throws IOException {
      Object data =
          switch (type) {
            case FLOAT32 -> new float[n];
            case FLOAT64 -> new double[n];
            case INT32 -> new int[n];
            case INT16 -> new short[n];
            case INT8 -> new byte[n];
          };
      int done = 0;
      while (done < n) {
        // Pull in a whole chunk (or the rest of the array) at a time, not element by element.
        need((int) Math.min(buf.capacity(), (long) (n - done) * type.bytes));
        int k = Math.min(n - done, buf.remaining() / type.bytes);
        ByteBuffer view = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
        switch (type) {
          case FLOAT32 -> view.asFloatBuffer().get((float[]) data, done, k);
          case FLOAT64 -> view.asDoubleBuffer().get((double[]) data, done, k);
          case INT32 -> view.asIntBuffer().get((int[]) data, done, k);
          case INT16 -> view.asShortBuffer().get((short[]) data, done, k);
          case INT8 -> view.get((byte[]) data, done, k);
        }
        take(k * type.bytes);
        done += k;
      }
      return data;
    }

    void checksumAndEnd() throws IOException {
      int expected = (int) crc.getValue();
      need(4);
      int stored = buf.getInt(buf.position());
      buf.position(buf.position() + 4);
      consumed += 4;
      if (stored != expected) {
        throw corrupt(
            String.format(
                "checksum mismatch (stored CRC32 %08x, contents give %08x)", stored, expected));
      }
      long extra = buf.remaining();
      if (extra == 0) {
        extra = in.read() < 0 ? 0 : 1;
      }
      if (extra > 0) {
        throw corrupt("unexpected bytes after the checksum");
      }
    }
  }
}
