package org.h2cl.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.h2cl.checkpoint.ArrayBundle;
import org.h2cl.model.BnBank;
import org.h2cl.model.ConvLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One side of {@link GpuCheck}, in a JVM of its own because ND4J loads one backend per JVM: {@code
 * --backend cuda} binds each visible device in turn, {@code --backend cpu} is the CPU. On each it
 * builds {@link H2StepFixture} from {@code --seed} (the same weights, masks and batch everywhere:
 * they are drawn in Java), takes one H² training step, and writes {@code <out>/<role>-<i>.bundle}:
 * every parameter array's change in that step ({@code delta/<name>}), the loss, a digest of the
 * starting state, where the weights lived, and img/s over {@code --steps} further steps. {@code
 * <out>/<role>.status} says how it ended: a {@link GpuCheck} exit code, then one line.
 */
public final class GpuCheckStep {
  private GpuCheckStep() {}

  public static void main(String[] argv) {
    Bench.Options o = new Bench.Options(argv);
    Path out = Path.of(o.string("out", "."));
    String role = o.string("role", "devices");
    String backend = o.string("backend", "cuda");
    if (backend.equals("cuda")) {
      Refusal r = cudaRefusal();
      if (r != null) {
        status(out, role, r.code, r.message);
        System.exit(r.code);
      }
    } else if (!backend.equals("cpu")) {
      throw new IllegalArgumentException("--backend cuda|cpu, got " + backend);
    }
    boolean cuda = backend.equals("cuda");
    if (!cuda) {
      Bench.limitThreads(o.integer("threads", Runtime.getRuntime().availableProcessors()));
    }
    int devices = cuda ? Nd4j.getAffinityManager().getNumberOfDevices() : 1;
    if (devices == 0) {
      status(
          out, role, GpuCheck.NO_DEVICE, "no GPU: ND4J's CUDA backend loaded but sees no device");
      System.exit(GpuCheck.NO_DEVICE);
    }
    List<String> names = cuda ? cudaDeviceNames(devices) : List.of();
    for (int d = 0; d < devices; d++) {
      int device = d;
      String name = d < names.size() ? names.get(d) : cuda ? "" : "CPU";
      ArrayBundle[] result = new ArrayBundle[1];
      RuntimeException[] failure = new RuntimeException[1];
      // A fresh thread per device: ND4J binds a thread to one device, and the fixture's arrays are
      // allocated on the device of the thread that creates them.
      Thread t =
          new Thread(
              () -> {
                try {
                  if (cuda) {
                    Nd4j.getAffinityManager().unsafeSetDevice(device);
                  }
                  result[0] = stepOn(o, cuda ? "cuda:" + device : "cpu", name);
                } catch (RuntimeException e) {
                  failure[0] = e;
                }
              },
              "gpu-check-" + d);
      t.start();
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
      if (failure[0] != null) {
        throw failure[0];
      }
      write(result[0], out.resolve(role + "-" + d + ".bundle"));
    }
    status(out, role, GpuCheck.OK, devices + " device(s)");
  }

  /** The step and the timing on the device this thread is bound to. */
  static ArrayBundle stepOn(Bench.Options o, String device, String deviceName) {
    int width = o.integer("width", 64);
    int batch = o.integer("batch", 128);
    int steps = o.integer("steps", 10);
    long seed = o.integer("seed", 0);
    H2StepFixture f = new H2StepFixture(width, batch, seed, o.kernels(), o.convAlgorithm());
    Map<String, INDArray> params = parameters(f);
    Map<String, float[]> before = values(params);
    String digest = digest(before, f.x, f.y);
    double loss = f.step();
    Map<String, float[]> after = values(params);

    ArrayBundle b = new ArrayBundle();
    Map<String, float[]> deltas = new LinkedHashMap<>();
    for (Map.Entry<String, float[]> e : after.entrySet()) {
      float[] a = e.getValue();
      float[] s = before.get(e.getKey());
      float[] delta = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        delta[i] = a[i] - s[i];
      }
      deltas.put(e.getKey(), delta);
      b.put("delta/" + e.getKey(), delta, delta.length);
    }
    long frozenMoved = frozenMoved(f, deltas);
    INDArray someWeight = f.net.convs().get(0).weight;
    String weightsOn =
        device.startsWith("cuda")
            ? "cuda:" + Nd4j.getAffinityManager().getDeviceForArray(someWeight)
            : "cpu";

    int warmup = 2;
    for (int i = 0; i < warmup; i++) {
      f.step();
    }
    Nd4j.getExecutioner().commit();
    long start = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      f.step();
    }
    Nd4j.getExecutioner().commit();
    double seconds = (System.nanoTime() - start) / 1e9;

    return b.putMeta("device", device)
        .putMeta("device_name", deviceName)
        .putMeta("weights_on", weightsOn)
        .putMeta("kernels", f.net.backend().describe())
        .putMeta("loss", Double.toString(loss / batch))
        .putMeta("start_digest", digest)
        .putMeta("frozen_moved", Long.toString(frozenMoved))
        .putMeta("images_per_s", Double.toString(steps * (double) batch / seconds))
        .putMeta("width", Integer.toString(width))
        .putMeta("batch", Integer.toString(batch))
        .putMeta("seed", Long.toString(seed));
  }

  /**
   * Conv weights the step must leave exactly as they were (earlier tasks' and free ones: not
   * trainable in the current task) that it moved; 0 on a correct backend, whatever its rounding.
   */
  static long frozenMoved(H2StepFixture f, Map<String, float[]> deltas) {
    long moved = 0;
    List<ConvLayer> convs = f.net.convs();
    for (int l = 0; l < convs.size(); l++) {
      float[] trainable = f.trainable[l].reshape(f.trainable[l].length()).toFloatVector();
      float[] delta = deltas.get(convs.get(l).name);
      for (int i = 0; i < delta.length; i++) {
        if (trainable[i] == 0 && delta[i] != 0) {
          moved++;
        }
      }
    }
    return moved;
  }

  /** Every array the step may change, by name: conv weights, the head, the BN bank. */
  static Map<String, INDArray> parameters(H2StepFixture f) {
    Map<String, INDArray> p = new LinkedHashMap<>();
    for (ConvLayer c : f.net.convs()) {
      p.put(c.name, c.weight);
    }
    p.put("head.weight", f.head.weight);
    p.put("head.bias", f.head.bias);
    BnBank bank = f.bank;
    for (int i = 0; i < bank.size(); i++) {
      p.put("bn" + i + ".gamma", bank.gamma[i]);
      p.put("bn" + i + ".beta", bank.beta[i]);
      p.put("bn" + i + ".running_mean", bank.runningMean[i]);
      p.put("bn" + i + ".running_var", bank.runningVar[i]);
    }
    return p;
  }

  /** Host copies of the arrays (synchronised from the device on CUDA). */
  static Map<String, float[]> values(Map<String, INDArray> arrays) {
    Map<String, float[]> v = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
      v.put(e.getKey(), e.getValue().reshape(e.getValue().length()).toFloatVector());
    }
    return v;
  }

  /** SHA-256 of the starting state: every parameter, the batch and its labels. */
  static String digest(Map<String, float[]> params, INDArray x, int[] y) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, float[]> e : params.entrySet()) {
        md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
        md.update(bytes(e.getValue()));
      }
      md.update(bytes(x.reshape(x.length()).toFloatVector()));
      ByteBuffer labels = ByteBuffer.allocate(4 * y.length).order(ByteOrder.LITTLE_ENDIAN);
      labels.asIntBuffer().put(y);
      md.update(labels);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ByteBuffer bytes(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    return b;
  }

  /** Why CUDA cannot run here, as a GpuCheck exit code and one line, or null when it can. */
  record Refusal(int code, String message) {}

  static Refusal cudaRefusal() {
    Class<?> cudart;
    try {
      // JavaCPP's CUDA runtime: loading it loads the driver (libcuda.so.1) and the runtime.
      cudart = Class.forName("org.bytedeco.cuda.global.cudart");
    } catch (ClassNotFoundException e) {
      return new Refusal(
          GpuCheck.NO_CUDA,
          "no GPU: the CUDA backend is not on this class path (nd4j-cuda-11.6: mvn -Pcuda)");
    } catch (LinkageError e) {
      return new Refusal(
          GpuCheck.NO_CUDA, "no GPU: CUDA's libraries did not load (" + linkMessage(e) + ")");
    }
    try {
      int[] count = new int[1];
      int rc = (int) cudart.getMethod("cudaGetDeviceCount", int[].class).invoke(null, count);
      if (rc != 0) {
        return new Refusal(
            GpuCheck.NO_DEVICE,
            "no GPU: CUDA loaded but cudaGetDeviceCount failed with error "
                + rc
                + errorName(cudart, rc)
                + visibleDevices());
      }
      if (count[0] == 0) {
        return new Refusal(GpuCheck.NO_DEVICE, "no GPU: CUDA sees no device" + visibleDevices());
      }
    } catch (ReflectiveOperationException e) {
      Throwable c = e instanceof InvocationTargetException ite ? ite.getCause() : e;
      return new Refusal(GpuCheck.NO_CUDA, "no GPU: CUDA's runtime did not answer (" + c + ")");
    }
    try {
      String name = Nd4j.getBackend().getClass().getSimpleName();
      if (!name.contains("JCublas")) {
        return new Refusal(
            GpuCheck.NO_CUDA, "no GPU: ND4J loaded its " + name + ", not the CUDA backend");
      }
    } catch (Throwable e) { // ND4J's static initialiser wraps what failed in Errors
      return new Refusal(
          GpuCheck.NO_CUDA,
          "no GPU: ND4J's CUDA backend did not load ("
              + linkMessage(deepest(e))
              + "; ND4J's log above names the library)");
    }
    return null;
  }

  /** A link error's message without the path of the library that needed the missing one. */
  static String linkMessage(Throwable e) {
    Throwable d = deepest(e);
    String m = d.getMessage() == null ? d.toString() : d.getMessage();
    // "/root/.javacpp/cache/…/libjnicudart.so: libcuda.so.1: cannot open shared object file: …"
    if (m.startsWith("/") && m.indexOf(": ") > 0) {
      m = m.substring(m.indexOf(": ") + 2);
    }
    return m;
  }

  private static Throwable deepest(Throwable e) {
    Throwable d = e;
    while (d.getCause() != null && d.getCause() != d) {
      d = d.getCause();
    }
    return d;
  }

  private static String errorName(Class<?> cudart, int rc) {
    try {
      Object s = cudart.getMethod("cudaGetErrorString", int.class).invoke(null, rc);
      return s == null ? "" : " (" + s + ")";
    } catch (ReflectiveOperationException | RuntimeException e) {
      return "";
    }
  }

  private static String visibleDevices() {
    String v = System.getenv("CUDA_VISIBLE_DEVICES");
    return v == null ? "" : "; CUDA_VISIBLE_DEVICES=" + v;
  }

  /** Device names from ND4J's environment information, by device index; empty if it has none. */
  @SuppressWarnings("unchecked")
  private static List<String> cudaDeviceNames(int devices) {
    List<String> names = new ArrayList<>();
    try {
      Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
      Object list = p.get("cuda.devicesInformation");
      if (list instanceof List<?> l) {
        for (Object m : l) {
          Object n = m instanceof Map<?, ?> map ? map.get("cuda.deviceName") : null;
          names.add(n == null ? "" : n.toString());
        }
      }
    } catch (RuntimeException e) {
      // names are for the report only
    }
    return names.size() == devices ? names : List.of();
  }

  private static void write(ArrayBundle b, Path file) {
    try (OutputStream s = Files.newOutputStream(file)) {
      b.writeTo(s);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void status(Path out, String role, int code, String message) {
    try {
      Files.writeString(out.resolve(role + ".status"), code + "\n" + message + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the status into " + out, e);
    }
  }
}
