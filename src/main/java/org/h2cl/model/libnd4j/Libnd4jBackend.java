package org.h2cl.model.libnd4j;

import org.h2cl.model.Backend;
import org.h2cl.model.ConvLayer;
import org.h2cl.model.Kernels;
import org.h2cl.model.MaskedUpdate;
import org.h2cl.model.ResNet18;
import org.h2cl.model.Trunk;

/** The network on libnd4j's ops: every ND4J backend and data type (cuDNN on CUDA). */
public final class Libnd4jBackend implements Backend {
  private final MaskedUpdate update = new Libnd4jMaskedUpdate();

  @Override
  public Kernels kernels() {
    return Kernels.LIBND4J;
  }

  @Override
  public String describe() {
    return "libnd4j";
  }

  @Override
  public Trunk trunk(ResNet18 net) {
    return new Libnd4jTrunk(net);
  }

  @Override
  public MaskedUpdate convUpdate(ConvLayer layer) {
    return update;
  }

  @Override
  public MaskedUpdate parameterUpdate() {
    return update;
  }
}
