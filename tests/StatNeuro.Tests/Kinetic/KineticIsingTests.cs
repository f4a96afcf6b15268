using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;
using StatNeuro.Numerics;
using Xunit.Abstractions;

namespace StatNeuro.Tests.Kinetic;

/// <summary>Kinetic Ising: Glauber dynamics against exact Markov-chain stationary statistics, ML against the Cramér–Rao limit.</summary>
public sealed class KineticIsingTests(ITestOutputHelper output)
{
    private static double RmsOffDiagonal(KineticIsingModel a, KineticIsingModel b)
    {
        int n = a.Size;
        double e = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (i != j)
                {
                    double d = a.Coupling(i, j) - b.Coupling(i, j);
                    e += d * d;
                }
            }
        }

        return Math.Sqrt(e / (n * (n - 1)));
    }

    [Fact]
    public void ParallelGlauber_MatchesExactStationaryMeansAndLagOneCorrelations()
    {
        // N = 3: the 8×8 transition matrix is exact; its stationary distribution gives m_i and D_ij(1) in closed form.
        double[] h = [0.2, -0.4, 0.1];
        double[] jm = [0, 0.8, -0.5, -0.6, 0, 0.7, 0.3, 0.9, 0];
        var model = new KineticIsingModel(h, jm);
        int n = 3, states = 8;
        var p = new double[states * states];
        var local = new double[n];
        for (int a = 0; a < states; a++)
        {
            sbyte[] s = Spins(a, n);
            model.LocalFields(s, 0, local);
            for (int b = 0; b < states; b++)
            {
                sbyte[] t = Spins(b, n);
                double pr = 1;
                for (int i = 0; i < n; i++)
                {
                    pr *= Math.Exp(t[i] * local[i]) / (2 * Math.Cosh(local[i]));
                }

                p[a * states + b] = pr;
            }
        }

        var pi = Enumerable.Repeat(1.0 / states, states).ToArray();
        for (int it = 0; it < 2000; it++)
        {
            var next = new double[states];
            for (int a = 0; a < states; a++)
            {
                for (int b = 0; b < states; b++)
                {
                    next[b] += pi[a] * p[a * states + b];
                }
            }

            pi = next;
        }

        var mExact = new double[n];
        var dExact = new double[n * n];
        for (int a = 0; a < states; a++)
        {
            sbyte[] s = Spins(a, n);
            for (int i = 0; i < n; i++)
            {
                mExact[i] += pi[a] * s[i];
            }

            for (int b = 0; b < states; b++)
            {
                sbyte[] t = Spins(b, n);
                for (int i = 0; i < n; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        dExact[i * n + j] += pi[a] * p[a * states + b] * t[i] * s[j];
                    }
                }
            }
        }

        const int steps = 200_000;
        SpinRaster data = GlauberDynamics.Parallel(model, steps, new RandomStreams(11), burnIn: 100);
        double[] m = data.Means();
        double[] d = GlauberDynamics.DelayedCorrelations(data, 1);
        for (int i = 0; i < n; i++)
        {
            // 5 sigma / sqrt(steps) with sd ≤ 1 and a correlation-time factor ≤ 4 (lag-1 correlations here are < 0.6).
            double tol = 5 * 2 / Math.Sqrt(steps);
            Assert.InRange(m[i], mExact[i] - tol, mExact[i] + tol);
            for (int j = 0; j < n; j++)
            {
                double connected = dExact[i * n + j] - mExact[i] * mExact[j];
                Assert.InRange(d[i * n + j], connected - tol, connected + tol);
            }
        }
    }

    [Fact]
    public void SequentialGlauber_SymmetricCouplings_SamplesBoltzmannDistribution()
    {
        // Heat-bath updates in random order leave exp(Σ h s + Σ_{i<j} J s s) invariant: compare with enumeration.
        double[] h = [0.3, -0.2, 0.1, 0.0];
        double[] jm =
        [
            0, 0.5, -0.3, 0.2,
            0.5, 0, 0.4, -0.1,
            -0.3, 0.4, 0, 0.6,
            0.2, -0.1, 0.6, 0,
        ];
        var model = new KineticIsingModel(h, jm);
        int n = 4;
        var mExact = new double[n];
        double z = 0;
        for (int a = 0; a < 16; a++)
        {
            sbyte[] s = Spins(a, n);
            double e = 0;
            for (int i = 0; i < n; i++)
            {
                e += h[i] * s[i];
                for (int j = i + 1; j < n; j++)
                {
                    e += jm[i * n + j] * s[i] * s[j];
                }
            }

            double w = Math.Exp(e);
            z += w;
            for (int i = 0; i < n; i++)
            {
                mExact[i] += w * s[i];
            }
        }

        const int sweeps = 100_000;
        SpinRaster data = GlauberDynamics.Sequential(model, sweeps, new RandomStreams(5), burnIn: 100);
        double[] m = data.Means();
        for (int i = 0; i < n; i++)
        {
            double tol = 5 * 2 / Math.Sqrt(sweeps); // 5 sigma, sd ≤ 1, correlation-time factor ≤ 4
            Assert.InRange(m[i], mExact[i] / z - tol, mExact[i] / z + tol);
        }
    }

    [Fact]
    public void Glauber_IsReproducible()
    {
        KineticIsingModel model = KineticIsingModel.Planted(10, 1, 0.3, new RandomStreams(1));
        SpinRaster a = GlauberDynamics.Parallel(model, 500, new RandomStreams(9));
        SpinRaster b = GlauberDynamics.Parallel(model, 500, new RandomStreams(9));
        Assert.True(a.Spins.SequenceEqual(b.Spins));
    }

    [Fact]
    public void MaximumLikelihood_PlantedAsymmetric_ReachesCramerRaoErrorAndGradientTolerance()
    {
        const int n = 20;
        KineticIsingModel truth = KineticIsingModel.Planted(n, 1.0, 0.3, new RandomStreams(1));
        SpinRaster data = GlauberDynamics.Parallel(truth, 20_000, new RandomStreams(2), burnIn: 100);
        FitResult<KineticIsingModel> fit = KineticIsingLearning.MaximumLikelihood(data, new KineticLearningSettings { SelfCouplings = false });
        Assert.True(fit.Converged);

        // Independent dense gradient (not the sparse code of the fit) at the optimum: below the tolerance 1e-8 up to
        // round-off of the 2·10⁴-term sums (~1e-12).
        double gn = KineticIsingLearning.GradientNorm(fit.Model, data, 0, selfCouplings: false);
        Assert.True(gn < 1e-8, $"gradient norm {gn}");

        double[] se = KineticIsingLearning.CouplingStandardErrors(truth, data);
        double var = 0;
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                if (i != j)
                {
                    var += se[i * n + j] * se[i * n + j];
                }
            }
        }

        double asymptotic = Math.Sqrt(var / (n * (n - 1)));
        double rms = RmsOffDiagonal(fit.Model, truth);
        output.WriteLine($"rms {rms:G4}, asymptotic {asymptotic:G4}, ratio {rms / asymptotic:F3}");

        // The RMS over 380 couplings fluctuates by ~1/sqrt(2·380) = 3.6 % around the Cramér–Rao value: 10 % ≈ 2.8 sigma
        // (the acceptance line of issue 4), plus a finite-sample bias of order 1/T.
        Assert.InRange(rms / asymptotic, 0.9, 1.1);

        // Mean-field inversions are biased at g = 1 (Roudi & Hertz 2011): worse than ML, TAP better than nMF.
        double nmf = RmsOffDiagonal(KineticIsingLearning.NaiveMeanField(data).Model, truth);
        double tap = RmsOffDiagonal(KineticIsingLearning.Tap(data).Model, truth);
        output.WriteLine($"nmf {nmf:G4}, tap {tap:G4}");
        Assert.True(tap < nmf && rms < tap);
    }

    [Fact]
    public void SymmetricFit_LikelihoodNotAboveAsymmetric_AndSymmetric()
    {
        KineticIsingModel truth = KineticIsingModel.Planted(12, 1.0, 0.3, new RandomStreams(3));
        SpinRaster data = GlauberDynamics.Parallel(truth, 5000, new RandomStreams(4));
        FitResult<KineticIsingModel> asym = KineticIsingLearning.MaximumLikelihood(data);
        FitResult<KineticIsingModel> sym = KineticIsingLearning.SymmetricMaximumLikelihood(data);
        Assert.True(sym.Converged && asym.Converged);
        Assert.True(sym.Model.IsSymmetric());

        // The symmetric family is a subset: at both optima L_sym ≤ L_asym (tolerance: 1e-12 round-off of the sums).
        double lAsym = asym.Model.LogLikelihood(data), lSym = sym.Model.LogLikelihood(data);
        Assert.True(lSym <= lAsym + 1e-12, $"{lSym} > {lAsym}");
        Assert.Equal(lAsym, asym.Notes["log_likelihood"], 1e-10);
        Assert.Equal(lSym, sym.Notes["log_likelihood"], 1e-10);
        Assert.True(KineticIsingLearning.GradientNorm(asym.Model, data) < 1e-8);
    }

    [Fact]
    public void MaximumLikelihood_NeverUsesTransitionsAcrossSegments()
    {
        // Swapping the order of two segments changes only the boundary "transition"; a fit that respects the segments
        // is unchanged (to round-off, 1e-10), one that crossed the boundary would not be.
        KineticIsingModel truth = KineticIsingModel.Planted(8, 1.0, 0.3, new RandomStreams(7));
        SpinRaster a = GlauberDynamics.Parallel(truth, 1500, new RandomStreams(1));
        SpinRaster b = GlauberDynamics.Parallel(truth, 1000, new RandomStreams(2));
        var ab = new SpinRaster(2500, 8, [.. a.Spins.ToArray(), .. b.Spins.ToArray()], [0, 1500]);
        var ba = new SpinRaster(2500, 8, [.. b.Spins.ToArray(), .. a.Spins.ToArray()], [0, 1000]);
        FitResult<KineticIsingModel> f1 = KineticIsingLearning.MaximumLikelihood(ab);
        FitResult<KineticIsingModel> f2 = KineticIsingLearning.MaximumLikelihood(ba);
        Assert.Equal(2498, f1.Notes["transitions"]);
        for (int q = 0; q < 64; q++)
        {
            Assert.Equal(f1.Model.Couplings[q], f2.Model.Couplings[q], 1e-10);
        }

        Assert.Equal(f1.Notes["log_likelihood"], f2.Notes["log_likelihood"], 1e-12);
        double[] d1 = GlauberDynamics.DelayedCorrelations(ab, 1), d2 = GlauberDynamics.DelayedCorrelations(ba, 1);
        for (int q = 0; q < 64; q++)
        {
            Assert.Equal(d1[q], d2[q], 1e-12);
        }
    }

    [Fact]
    public void TimeDependentFields_RecoverStimulusDrive_AndRaiseHeldOutLikelihood()
    {
        // Planted: fields h_i(b) = h_i + 1.0·sin(2π b/B + φ_i), B = 20 bins per repeat, 200 repeats; train on even repeats.
        const int n = 6, bins = 20, repeats = 200;
        KineticIsingModel baseModel = KineticIsingModel.Planted(n, 0.8, 0.3, new RandomStreams(21));
        var h = new double[bins * n];
        for (int b = 0; b < bins; b++)
        {
            for (int i = 0; i < n; i++)
            {
                h[b * n + i] = baseModel.Fields[i] + Math.Sin(2 * Math.PI * b / bins + i);
            }
        }

        var truth = new KineticIsingModel(h, baseModel.Couplings, bins);
        SpinRaster data = GlauberDynamics.Parallel(truth, repeats, bins, new RandomStreams(22), burnIn: 50);
        (SpinRaster train, SpinRaster test) = data.SplitByRepeat();
        FitResult<KineticIsingModel> constant = KineticIsingLearning.MaximumLikelihood(train);
        FitResult<KineticIsingModel> timed = KineticIsingLearning.MaximumLikelihood(train, new KineticLearningSettings { StimulusBins = bins });
        Assert.True(timed.Converged);
        double lc = constant.Model.LogLikelihood(test), lt = timed.Model.LogLikelihood(test), lTrue = truth.LogLikelihood(test);
        output.WriteLine($"held-out: constant {lc:F4}, time-dependent {lt:F4}, truth {lTrue:F4}");
        Assert.True(lt > lc);
        Assert.True(lt <= lTrue + 0.05); // the truth is the best predictor up to sampling noise (~0.02 nats here)
    }

    [Fact]
    public void Retina_AsymmetricLikelihoodAtLeastSymmetric_AtConvergence()
    {
        string? path = StatNeuro.Tests.Data.RetinaFileTests.RetinaPath();
        if (path is null)
        {
            output.WriteLine("skipped: ../shared/data is absent");
            return;
        }

        // 20 cells, the first 60 repeats (953 bins each), transitions only inside repeats (kept small for the test budget;
        // the full raster is in the reproduce section and docs/kinetic.md).
        SpinRaster data = RasterFile.Read(path).WithSegmentLength(953).SelectSegments([.. Enumerable.Range(0, 60)]).SelectNeurons([.. Enumerable.Range(0, 20)]);
        FitResult<KineticIsingModel> asym = KineticIsingLearning.MaximumLikelihood(data);
        FitResult<KineticIsingModel> sym = KineticIsingLearning.SymmetricMaximumLikelihood(data);
        Assert.True(asym.Converged && sym.Converged);
        double la = asym.Model.LogLikelihood(data), ls = sym.Model.LogLikelihood(data);
        output.WriteLine($"retina subset: asymmetric {la:F6}, symmetric {ls:F6} nats/transition");
        Assert.True(la >= ls - 1e-12, $"{la} < {ls}"); // nested families, both at their optimum (1e-12: round-off)
    }

    private static sbyte[] Spins(int code, int n)
    {
        var s = new sbyte[n];
        for (int i = 0; i < n; i++)
        {
            s[i] = ((code >> i) & 1) == 1 ? (sbyte)1 : (sbyte)-1;
        }

        return s;
    }
}
