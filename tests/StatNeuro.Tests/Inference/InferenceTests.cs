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

    /// <summary>
    /// N = 2 is saturated: each conditional logistic regression fits its data exactly, so unpenalised PLM equals ML,
    /// J = ¼ ln(n₊₊ n₋₋ / (n₊₋ n₋₊)) and h₁ = ¼ ln(n₊₊ n₊₋ / (n₋₊ n₋₋)), whatever the counts (4 distinct patterns).
    /// </summary>
    [Fact]
    public void PseudoLikelihood_TwoSpins_MatchesClosedForm()
    {
        int[] counts = [700, 150, 50, 100]; // ++, +-, -+, --
        sbyte[][] patterns = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
        var spins = new List<sbyte>();
        for (int c = 0; c < 4; c++)
        {
            for (int k = 0; k < counts[c]; k++)
            {
                spins.AddRange(patterns[c]);
            }
        }

        var data = new SpinRaster(counts.Sum(), 2, [.. spins]);
        FitResult<IsingModel> plm = PseudoLikelihood.Fit(data, new PseudoLikelihoodSettings { L2 = 0, GradientTolerance = 1e-7 });
        double j = 0.25 * Math.Log((double)counts[0] * counts[3] / (counts[1] * counts[2]));
        double h1 = 0.25 * Math.Log((double)counts[0] * counts[1] / (counts[2] * counts[3]));
        double h2 = 0.25 * Math.Log((double)counts[0] * counts[2] / (counts[1] * counts[3]));
        Assert.Equal(j, plm.Model.Couplings[1], 1e-5);
        Assert.Equal(h1, plm.Model.Fields[0], 1e-5);
        Assert.Equal(h2, plm.Model.Fields[1], 1e-5);
    }

    /// <summary>
    /// N = 130 independent spins (index lists over 64 + 64 + 16 columns, several pattern blocks): relabelling the
    /// neurons relabels the fit (to the optimiser's tolerance), and the couplings are at the 1/√M noise level.
    /// </summary>
    [Fact]
    public void PseudoLikelihood_LargeN_IsPermutationEquivariant()
    {
        const int N = 130, M = 3000;
        var rng = new StatNeuro.Numerics.RandomStreams(5).For(StatNeuro.Numerics.StreamPurpose.Other);
        var spins = new sbyte[N * M];
        for (int t = 0; t < M; t++)
        {
            for (int i = 0; i < N; i++)
            {
                double p = 0.5 * (1 + Math.Tanh(0.5 * Math.Sin(i)));
                spins[t * N + i] = rng.NextDouble() < p ? (sbyte)1 : (sbyte)-1;
            }
        }

        int[] perm = [.. Enumerable.Range(0, N).Select(i => (i * 37 + 11) % N)];
        var permuted = new sbyte[N * M];
        for (int t = 0; t < M; t++)
        {
            for (int i = 0; i < N; i++)
            {
                permuted[t * N + i] = spins[t * N + perm[i]];
            }
        }

        var settings = new PseudoLikelihoodSettings { GradientTolerance = 1e-6 };
        IsingModel a = PseudoLikelihood.Fit(new SpinRaster(M, N, spins), settings).Model;
        IsingModel b = PseudoLikelihood.Fit(new SpinRaster(M, N, permuted), settings).Model;
        double sq = 0;
        for (int i = 0; i < N; i++)
        {
            Assert.Equal(a.Fields[perm[i]], b.Fields[i], 2e-3);
            for (int k = 0; k < N; k++)
            {
                Assert.Equal(a.Couplings[perm[i] * N + perm[k]], b.Couplings[i * N + k], 2e-3);
                sq += a.Couplings[i * N + k] * a.Couplings[i * N + k];
            }
        }

        // True J = 0: the symmetrised estimates have sd ≈ 1/√(2M)/(σ_i σ_j) ≈ 0.015 here; their RMS must be of
        // that order (a broken gradient would leave them far off).
        Assert.InRange(Math.Sqrt(sq / (N * (N - 1))), 0.005, 0.05);
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
