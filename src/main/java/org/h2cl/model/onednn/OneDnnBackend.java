package org.h2cl.model.onednn;

import java.util.Locale;
import org.h2cl.model.Backend;
import org.h2cl.model.ConvAlgorithm;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Kernels;
import org.h2cl.model.MaskedUpdate;
import org.h2cl.model.ResNet18;
import org.h2cl.model.Trunk;

/**
 * The network on oneDNN called directly (CPU, float32): the trunk and the conv layers' masked
 * steps. The small parameters' steps (BN gamma and beta, the heads: a few thousand values) are
 * another backend's, given at construction.
 */
public final class OneDnnBackend implements Backend {
  private final ConvAlgorithm algorithm;
  private final MaskedUpdate parameterUpdate;

  /**
   * The caller has checked {@link OneDnn#unavailableReason} and {@link OneDnnTrunk#widthProblem}.
   */
  public OneDnnBackend(ConvAlgorithm algorithm, MaskedUpdate parameterUpdate) {
    this.algorithm = algorithm;
    this.parameterUpdate = parameterUpdate;
  }

  @Override
  public Kernels kernels() {
    return Kernels.ONEDNN;
  }

  @Override
  public String describe() {
    return String.join(
        " ", "onednn", OneDnn.version(), OneDnn.isa(), algorithm.name().toLowerCase(Locale.ROOT));
  }

  @Override
  public Trunk trunk(ResNet18 net) {
    return new OneDnnTrunk(net, algorithm, false);
  }

  /** oneDNN's element-wise kernels: for millions of weights faster than the Java loop. */
  @Override
  public MaskedUpdate convUpdate(ConvLayer layer) {
    return new OneDnnMaskedUpdate(layer.size());
  }

  @Override
  public MaskedUpdate parameterUpdate() {
    return parameterUpdate;
  }
}
