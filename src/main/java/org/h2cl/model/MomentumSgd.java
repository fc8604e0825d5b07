package org.h2cl.model;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PyTorch's SGD with heavy-ball momentum and no weight decay (v ← μv + g; w ← w − lr·v) over the
 * network's trainable state: the conv weights a mask allows to move, the current head, and the
 * current BN bank's gamma and beta. A phase starts with zero velocity (docs/ALGORITHM.md §4:
 * optimizer state is fresh for every phase). Velocity buffers are allocated once per network and
 * reused; the steps themselves are the network's backend's ({@link Backend#convUpdate}, {@link
 * Backend#parameterUpdate}).
 */
public final class MomentumSgd {
  private final ResNet18 net;
  private final INDArray[] convVelocity;
  private final MaskedUpdate[] convUpdates;
  private final MaskedUpdate parameterUpdate;
  private final INDArray[] gammaVelocity;
  private final INDArray[] betaVelocity;
  private final INDArray headWeightVelocity;
  private final INDArray headBiasVelocity;
  private double lr;
  private double momentum;
  private INDArray[] trainable;

  public MomentumSgd(ResNet18 net) {
    this.net = net;
    List<ConvLayer> convs = net.convs();
    convVelocity = new INDArray[convs.size()];
    convUpdates = new MaskedUpdate[convs.size()];
    for (int i = 0; i < convVelocity.length; i++) {
      convVelocity[i] = Nd4j.zeros(net.dataType, convs.get(i).weight.shape());
      convUpdates[i] = net.backend().convUpdate(convs.get(i));
    }
    parameterUpdate = net.backend().parameterUpdate();
    int[] ch = net.bnChannels();
    gammaVelocity = new INDArray[ch.length];
    betaVelocity = new INDArray[ch.length];
    for (int i = 0; i < ch.length; i++) {
      gammaVelocity[i] = Nd4j.zeros(net.dataType, ch[i]);
      betaVelocity[i] = Nd4j.zeros(net.dataType, ch[i]);
    }
    headWeightVelocity = Nd4j.zeros(net.dataType, net.headWeightGrad.shape());
    headBiasVelocity = Nd4j.zeros(net.dataType, net.headBiasGrad.shape());
  }

  /**
   * Starts a phase: zero velocity, the given learning rate and momentum, and per conv layer the 0/1
   * mask of weights that may move (the gradients of all others are ignored, so they never change).
   */
  public void startPhase(double lr, double momentum, INDArray[] trainable) {
    this.lr = lr;
    this.momentum = momentum;
    this.trainable = trainable;
    for (INDArray v : convVelocity) {
      v.assign(0);
    }
    for (int i = 0; i < gammaVelocity.length; i++) {
      gammaVelocity[i].assign(0);
      betaVelocity[i].assign(0);
    }
    headWeightVelocity.assign(0);
    headBiasVelocity.assign(0);
  }

  /**
   * One update from the gradients of the last backward pass; conv gradients count only where the
   * phase's trainable mask is 1 (they are read, not zeroed), and each conv's masked weights are
   * refreshed in the same pass.
   */
  public void step(Head head, BnBank bank) {
    List<ConvLayer> convs = net.convs();
    for (int i = 0; i < convs.size(); i++) {
      convs.get(i).step(convUpdates[i], trainable[i], convVelocity[i], lr, momentum);
    }
    List<BatchNormLayer> bns = net.batchNorms();
    for (int i = 0; i < bns.size(); i++) {
      update(bank.gamma[i], bns.get(i).gradGamma, gammaVelocity[i]);
      update(bank.beta[i], bns.get(i).gradBeta, betaVelocity[i]);
    }
    update(head.weight, net.headWeightGrad, headWeightVelocity);
    update(head.bias, net.headBiasGrad, headBiasVelocity);
  }

  private void update(INDArray w, INDArray g, INDArray v) {
    parameterUpdate.step(w, g, null, v, lr, momentum, null, null);
  }
}
