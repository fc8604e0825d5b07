package org.h2cl.model.onednn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Every buffer a trunk hands to oneDNN besides the parameters (which stay in their ND4J arrays).
 *
 * <p>Shared roles ({@link #shared}) serve the plans of every batch size: each is allocated for the
 * largest request, and a smaller batch uses its beginning (the batch dimension is outermost in the
 * blocked layout), so a seed holds one set of activations, not one per batch size (training batch,
 * last partial batch, evaluation batches, single Fisher images). The scratchpad all primitives
 * share is such a role too. {@link #allocate} makes a buffer of one plan's own.
 *
 * <p>Fenced mode (tests) puts 16 KiB of a known pattern before and after every buffer, and {@link
 * #verifyFences} fails if a kernel wrote outside its buffer: oneDNN 2.5.2 does for some shapes
 * (OneDnnTrunkTest), and the heap corruption it causes shows up far later.
 */
final class Storage {
  private static final long FENCE = 4096; // floats
  private static final float PATTERN = -12345.678f;

  private final engine engine;
  private final boolean fenced;
  private final Map<String, memory> roles = new HashMap<>();
  private final List<Fenced> fences = new ArrayList<>();
  private long generation;

  private record Fenced(memory whole, FloatPointer floats, long size, String what) {}

  Storage(engine engine, boolean fenced) {
    this.engine = engine;
    this.fenced = fenced;
  }

  /**
   * A memory of desc d over the buffer of role key, grown if d needs more. Growing frees the old
   * buffer and changes {@link #generation}: plans made before may point at it and must be dropped.
   */
  memory shared(String key, memory.desc d) {
    memory m = roles.get(key);
    if (m == null || m.get_desc().get_size() < d.get_size()) {
      memory grown = allocate(d, key);
      if (m != null) {
        generation++; // the old buffer is freed once nothing references it
      }
      roles.put(key, grown);
      m = grown;
    }
    return new memory(d, engine, m.get_data_handle());
  }

  /** A buffer of desc d of the caller's own. */
  memory allocate(memory.desc d, String what) {
    if (!fenced) {
      return new memory(d, engine); // oneDNN allocates it 64-byte aligned and frees it with m
    }
    long size = (d.get_size() + 3) / 4;
    memory whole = new memory(OneDnn.desc(memory.format_tag.x, size + 2 * FENCE), engine);
    FloatPointer floats = new FloatPointer(whole.get_data_handle());
    floats.capacity(size + 2 * FENCE).limit(size + 2 * FENCE);
    for (long i = 0; i < FENCE; i++) {
      floats.put(i, PATTERN);
      floats.put(FENCE + size + i, PATTERN);
    }
    fences.add(new Fenced(whole, floats, size, what));
    return new memory(d, engine, new BytePointer(whole.get_data_handle()).position(FENCE * 4));
  }

  /** Throws when a kernel wrote into a fence (fenced mode only). */
  void verifyFences(String after) {
    for (Fenced f : fences) {
      for (long i = 0; i < FENCE; i++) {
        if (f.floats.get(i) != PATTERN || f.floats.get(FENCE + f.size + i) != PATTERN) {
          throw new IllegalStateException(
              "oneDNN wrote outside buffer " + f.what + " (" + f.size + " floats) during " + after);
        }
      }
    }
  }

  long generation() {
    return generation;
  }

  /** Bytes held by the shared roles (activations, gradients, scratchpad). */
  long sharedBytes() {
    return roles.values().stream().mapToLong(m -> m.get_desc().get_size()).sum();
  }
}
