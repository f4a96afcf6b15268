namespace StatNeuro.MeanField;

/// <summary>Result of training a single-layer perceptron.</summary>
/// <param name="Weights">w.</param>
/// <param name="Bias">b.</param>
/// <param name="Loss">Cross-entropy per epoch (mean over samples).</param>
/// <param name="Accuracy">Fraction classified correctly (output &gt; ½ ⇔ label 1) per epoch.</param>
public sealed record PerceptronResult(double[] Weights, double Bias, double[] Loss, double[] Accuracy);

/// <summary>
/// A single-layer perceptron whose activation is the mean-field magnetization fit of seed 004,
/// y = ½ + ½ tanh(a u) = logistic(2a u), u = w·x + b (the input plays the role of -T, the bias of T_c).
/// </summary>
/// <remarks>Full-batch gradient descent on the cross-entropy, ∂L/∂w = 2a (y - t) x. A single layer separates only
/// linearly separable classes: AND and OR are learned, XOR is not (at most 3 of its 4 points can be right).</remarks>
public static class Perceptron
{
    /// <summary>Trains on labelled samples.</summary>
    /// <param name="inputs">Samples (rows) × features.</param>
    /// <param name="labels">0/1 labels.</param>
    /// <param name="epochs">Epochs (≥ 1).</param>
    /// <param name="learningRate">η &gt; 0.</param>
    /// <param name="slope">a of the activation (seed 004: 6).</param>
    /// <returns>Weights, bias and learning curves.</returns>
    public static PerceptronResult Train(double[][] inputs, int[] labels, int epochs = 2000, double learningRate = 0.1, double slope = 6)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (inputs.Length == 0 || inputs.Length != labels.Length)
        {
            throw new ArgumentException("inputs and labels must be non-empty and of equal length.", nameof(labels));
        }

        int d = inputs[0].Length;
        var w = new double[d];
        double b = 0;
        var loss = new double[epochs];
        var accuracy = new double[epochs];
        var gradient = new double[d];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            Array.Clear(gradient);
            double gb = 0, l = 0;
            int correct = 0;
            for (int n = 0; n < inputs.Length; n++)
            {
                double u = b;
                for (int k = 0; k < d; k++)
                {
                    u += w[k] * inputs[n][k];
                }

                double y = Output(u, slope);
                double t = labels[n];
                l -= (t * Math.Log(Math.Max(y, 1e-300))) + ((1 - t) * Math.Log(Math.Max(1 - y, 1e-300)));
                correct += (y > 0.5) == (labels[n] == 1) ? 1 : 0;
                double delta = 2 * slope * (y - t);
                for (int k = 0; k < d; k++)
                {
                    gradient[k] += delta * inputs[n][k];
                }

                gb += delta;
            }

            loss[epoch] = l / inputs.Length;
            accuracy[epoch] = (double)correct / inputs.Length;
            for (int k = 0; k < d; k++)
            {
                w[k] -= learningRate * gradient[k] / inputs.Length;
            }

            b -= learningRate * gb / inputs.Length;
        }

        return new PerceptronResult(w, b, loss, accuracy);
    }

    /// <summary>The activation y = ½ + ½ tanh(a u).</summary>
    /// <param name="u">w·x + b.</param>
    /// <param name="slope">a.</param>
    /// <returns>y in (0, 1).</returns>
    public static double Output(double u, double slope = 6) => 0.5 + (0.5 * Math.Tanh(slope * u));
}
