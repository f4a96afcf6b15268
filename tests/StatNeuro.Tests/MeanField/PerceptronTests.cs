using StatNeuro.MeanField;
using StatNeuro.Numerics;

namespace StatNeuro.Tests.MeanField;

public class PerceptronTests
{
    private static readonly double[][] s_corners = [[0, 0], [0, 1], [1, 0], [1, 1]];

    [Theory]
    [InlineData(0, 0, 0, 1)]
    [InlineData(0, 1, 1, 1)]
    public void AndOr_AreLearned(int l00, int l01, int l10, int l11)
    {
        PerceptronResult r = Perceptron.Train(s_corners, [l00, l01, l10, l11]);
        Assert.Equal(1.0, r.Accuracy[^1]);
        Assert.True(r.Loss[^1] < r.Loss[0]);
    }

    [Fact]
    public void Xor_IsNotLearned()
    {
        // No line separates XOR: every epoch gets at most 3 of the 4 points right.
        PerceptronResult r = Perceptron.Train(s_corners, [0, 1, 1, 0]);
        Assert.All(r.Accuracy, a => Assert.True(a <= 0.75));
    }

    [Fact]
    public void GeneratedBlobs_AreSeparated()
    {
        // Two Gaussian blobs (sd 1) centred at (+-2, +-2): the Bayes error is Phi(-2 sqrt 2) = 0.23 %; with 400 points
        // a linear classifier must reach > 97 % (5 sigma of a binomial around 99.8 % is < 2 %).
        var rng = new RandomStreams(11).For(StreamPurpose.Noise, 0);
        var x = new double[400][];
        var y = new int[400];
        for (int n = 0; n < 400; n++)
        {
            y[n] = n % 2;
            double c = y[n] == 1 ? 2 : -2;
            x[n] = [c + rng.NextNormal(), c + rng.NextNormal()];
        }

        PerceptronResult r = Perceptron.Train(x, y, epochs: 500, learningRate: 0.05);
        Assert.True(r.Accuracy[^1] > 0.97, $"{r.Accuracy[^1]}");
    }
}
