using MathNet.Numerics.LinearAlgebra;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;

namespace StatNeuro.Tests.Inference;

public sealed class InferenceTests
{
    internal static double RmsCouplingError(IsingModel a, IsingModel b)
    {
        int n = a.Size;
        double s = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double d = a.Coupling(i, j) - b.Coupling(i, j);
                s += d * d;
            }
        }

        return Math.Sqrt(s / (n * (n - 1) / 2));
    }

    /// <summary>
    /// Cramér–Rao limit of the RMS coupling error of M samples: sqrt(mean over pairs of (I⁻¹)_JJ / M), with the
    /// Fisher matrix I = covariance of the features (s_i, s_i s_j) computed exactly by brute-force enumeration.
    /// </summary>
    internal static double FisherLimit(IsingModel model, int samples)
    {
        int n = model.Size, p = n + n * (n - 1) / 2;
        var s = new sbyte[n];
        var phi = new double[p];
        var mean = new double[p];
        var second = new double[p, p];
        var lw = new double[1 << n];
        double max = double.NegativeInfinity;
        for (int x = 0; x < lw.Length; x++)
        {
            for (int i = 0; i < n; i++)
            {
                s[i] = ((x >> i) & 1) == 1 ? (sbyte)1 : (sbyte)-1;
            }

            lw[x] = model.LogWeight(s);
            max = Math.Max(max, lw[x]);
        }

        double z = 0;
        for (int x = 0; x < lw.Length; x++)
        {
            double w = Math.Exp(lw[x] - max);
            z += w;
            int k = 0;
            for (int i = 0; i < n; i++)
            {
                phi[k++] = ((x >> i) & 1) == 1 ? 1 : -1;
            }

            for (int i = 0; i < n; i++)
            {
                for (int j = i + 1; j < n; j++)
                {
                    phi[k++] = phi[i] * phi[j];
                }
            }

            for (int a = 0; a < p; a++)
            {
                mean[a] += w * phi[a];
                for (int b = 0; b < p; b++)
                {
                    second[a, b] += w * phi[a] * phi[b];
                }
            }
        }

        Matrix<double> fisher = Matrix<double>.Build.Dense(p, p, (a, b) => second[a, b] / z - mean[a] * mean[b] / (z * z));
        Matrix<double> inv = fisher.Inverse();
        double sum = 0;
        for (int a = n; a < p; a++)
        {
            sum += inv[a, a];
        }

        return Math.Sqrt(sum / (p - n) / samples);
    }

    [Fact]
    public void ExactMaximumLikelihood_ExactMoments_RecoversPlantedModel()
    {
        IsingModel truth = IsingModel.SherringtonKirkpatrick(8, 1.0, 0.3, 21);
        ExactStatistics e = ExactEnumeration.Compute(truth);
        FitResult<IsingModel> fit = ExactMaximumLikelihood.Fit(new SpinMoments(int.MaxValue, e.Means, e.SecondMoments));
        Assert.True(fit.Converged);
        Assert.True(fit.Trace[^1].GradientNorm <= 1e-8);
        // Gradient norm 1e-8 and a Fisher matrix with smallest eigenvalue ~1e-2 bound the parameter error by ~1e-6.
        Assert.True(RmsCouplingError(truth, fit.Model) < 1e-5);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(truth.Fields[i], fit.Model.Fields[i], 1e-5);
        }
    }

    [Fact]
    public void PlantedModel_ExactSamples_MlAndPlmReachFisherLimit()
    {
        const int N = 10, M = 20_000;
        IsingModel truth = IsingModel.SherringtonKirkpatrick(N, 1.0, 0.3, 4);
        SpinRaster data = ExactEnumeration.Sample(truth, M, 8);
        double limit = FisherLimit(truth, M);
        FitResult<IsingModel> ml = ExactMaximumLikelihood.Fit(data);
        Assert.True(ml.Converged);

        // The ML point matches the data moments exactly (gradient norm <= 1e-8).
        ExactStatistics e = ExactEnumeration.Compute(ml.Model);
        double[] dm = data.Means();
        for (int i = 0; i < N; i++)
        {
            Assert.Equal(dm[i], e.Means[i], 1e-8);
        }

        FitResult<IsingModel> plm = PseudoLikelihood.Fit(data, new PseudoLikelihoodSettings { L2 = 0 });
        Assert.True(plm.Converged);
        double mlError = RmsCouplingError(truth, ml.Model), plmError = RmsCouplingError(truth, plm.Model);

        // RMS over 45 pairs: relative sd ~ 1/sqrt(2*45) = 0.105, so +-3.5 sd = +-37 % around the Cramér–Rao limit.
        Assert.InRange(mlError / limit, 0.63, 1.37);
        Assert.InRange(plmError / limit, 0.63, 1.37 * 1.1);
    }

    [Fact]
    public void SessakMonassonAndIndependentPair_TwoSpins_AreExact()
    {
        var truth = new IsingModel([0.4, -0.7], [0, 0.9, 0.9, 0]);
        ExactStatistics e = ExactEnumeration.Compute(truth);
        var moments = new SpinMoments(int.MaxValue, e.Means, e.SecondMoments);
        foreach (MeanFieldMethod method in new[] { MeanFieldMethod.SessakMonasson, MeanFieldMethod.IndependentPair })
        {
            FitResult<IsingModel> fit = MeanFieldInversion.Fit(moments, method);
            Assert.Equal(0.9, fit.Model.Coupling(0, 1), 1e-12);
        }
    }

    [Fact]
    public void MeanField_WeakCoupling_TapBeatsNaiveAndBothAreClose()
    {
        IsingModel truth = IsingModel.SherringtonKirkpatrick(12, 0.3, 0.3, 6);
        ExactStatistics e = ExactEnumeration.Compute(truth);
        var moments = new SpinMoments(int.MaxValue, e.Means, e.SecondMoments);
        double rmsJ = RmsCouplingError(truth, new IsingModel(new double[12], new double[144]));
        double nmf = RmsCouplingError(truth, MeanFieldInversion.Fit(moments, MeanFieldMethod.NaiveMeanField).Model);
        double tap = RmsCouplingError(truth, MeanFieldInversion.Fit(moments, MeanFieldMethod.Tap).Model);
        double sm = RmsCouplingError(truth, MeanFieldInversion.Fit(moments, MeanFieldMethod.SessakMonasson).Model);
        // Infinite data: the errors are the methods' biases, O(β²) relative for nMF and smaller for TAP and SM.
        Assert.True(nmf < 0.15 * rmsJ, $"nmf {nmf / rmsJ}");
        Assert.True(tap < nmf, $"tap {tap} nmf {nmf}");
        Assert.True(sm < nmf, $"sm {sm} nmf {nmf}");
    }
}
