package org.h2cl.compute;

import org.h2cl.model.Backend;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.Kernels;
import org.h2cl.model.NdArrays;
import org.h2cl.model.ResNet18;
import org.h2cl.model.libnd4j.Libnd4jBackend;
import org.h2cl.model.onednn.OneDnn;
import org.h2cl.model.onednn.OneDnnBackend;
import org.h2cl.model.onednn.OneDnnTrunk;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Chooses what computes a network ({@code h2.compute.kernels}), once per network: the one class
 * that knows both backends. {@code auto} takes oneDNN where it can run (CPU backend, float32, a
 * base width its layout allows, library loaded) and libnd4j elsewhere; {@code libnd4j} never looks
 * at oneDNN, so its library is not even loaded.
 */
public final class Backends {
  private Backends() {}

  /**
   * The backend of a network of this type and base width: oneDNN's trunk and conv steps with
   * libnd4j's steps for the small parameters, or libnd4j for everything.
   *
   * @throws IllegalStateException for {@code onednn} where it cannot run, naming the reason
   */
  public static Backend choose(
      Kernels asked, DataType type, int baseWidth, ConvAlgorithm algorithm) {
    Libnd4jBackend libnd4j = new Libnd4jBackend();
    if (resolve(asked, type, baseWidth) == Kernels.ONEDNN) {
      return new OneDnnBackend(algorithm, libnd4j.parameterUpdate());
    }
    return libnd4j;
  }

  /** A network of this shape on the backend {@link #choose} gives. */
  public static ResNet18 network(
      int baseWidth,
      boolean stemRelu,
      int classesPerTask,
      DataType type,
      Kernels kernels,
      ConvAlgorithm algorithm) {
    return new ResNet18(
        baseWidth, stemRelu, classesPerTask, type, choose(kernels, type, baseWidth, algorithm));
  }

  /**
   * {@link Kernels#ONEDNN} or {@link Kernels#LIBND4J}, as {@link #choose} decides.
   *
   * @throws IllegalStateException for {@code onednn} where it cannot run, naming the reason
   */
  public static Kernels resolve(Kernels asked, DataType type, int baseWidth) {
    if (asked == Kernels.LIBND4J) {
      return Kernels.LIBND4J;
    }
    String reason = oneDnnUnusableReason(type, baseWidth);
    if (reason == null) {
      return Kernels.ONEDNN;
    }
    if (asked == Kernels.ONEDNN) {
      throw new IllegalStateException("h2.compute.kernels = onednn cannot run here: " + reason);
    }
    return Kernels.LIBND4J;
  }

  /**
   * Why oneDNN cannot compute a network of this type and base width here, or null when it can.
   * Loads oneDNN's library only when nothing else rules it out.
   */
  public static String oneDnnUnusableReason(DataType type, int baseWidth) {
    if (!NdArrays.cpuBackend()) {
      return "ND4J runs on a GPU backend (oneDNN is the CPU path; the GPU uses cuDNN)";
    }
    if (type != DataType.FLOAT) {
      return "oneDNN's kernels are float32 only, the network is " + type;
    }
    String width = OneDnnTrunk.widthProblem(baseWidth);
    return width != null ? width : OneDnn.unavailableReason();
  }

  /**
   * The settings' part of the choice, known before anything runs and without loading oneDNN: an
   * explicit {@code onednn} with a base width its layout does not allow; null when there is none.
   */
  public static String settingsProblem(Kernels asked, int baseWidth) {
    String width = asked == Kernels.ONEDNN ? OneDnnTrunk.widthProblem(baseWidth) : null;
    return width == null ? null : width + "; or use auto, which takes libnd4j for such widths";
  }
}
