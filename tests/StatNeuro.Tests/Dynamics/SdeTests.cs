using StatNeuro.Dynamics;
using StatNeuro.Numerics;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Dynamics;

public class SdeTests
{
    // Higham (2001), SIAM Review 43:525, §5: dX = λX dt + μX dW, λ = 2, μ = 1, X0 = 1 on [0, 1];
    // exact X_T = X0 exp((λ − μ²/2)T + μ W_T) on the same Brownian path.
    private const double Lambda = 2, Mu = 1;

    private static double StrongOrder(SdeScheme scheme, int paths, int finestLevel, int levels)
    {
        var steps = new List<double>();
        var errorSums = new double[levels];
        int fine = 1 << finestLevel;
        var solver = new SdeSolver(scheme);
        var problem = new SdeProblem<Gbm>(new Gbm(Lambda, Mu), [1.0], 0, 1);
        var increments = new double[fine];
        var streams = new RandomStreams(2001);
        for (int p = 0; p < paths; p++)
        {
            RandomGenerator random = streams.For(StreamPurpose.Noise, p);
            double w = 0;
            for (int k = 0; k < fine; k++)
            {
                increments[k] = Math.Sqrt(1.0 / fine) * random.NextNormal();
                w += increments[k];
            }

            double exact = Math.Exp((Lambda - 0.5 * Mu * Mu) + Mu * w);
            for (int level = 0; level < levels; level++)
            {
                int m = 1 << (finestLevel - level); // steps at this level
                int r = fine / m;
                var coarse = new double[m];
                for (int k = 0; k < m; k++)
                {
                    for (int j = 0; j < r; j++)
                    {
                        coarse[k] += increments[k * r + j];
                    }
                }

                OdeSolution s = solver.Solve(problem, new SolveOptions { StepSize = 1.0 / m, SaveEvery = 0 }, coarse);
                errorSums[level] += Math.Abs(s.FinalState()[0] - exact);
            }
        }

        for (int level = 0; level < levels; level++)
        {
            steps.Add(1.0 / (1 << (finestLevel - level)));
        }

        return ConvergenceOrder.Estimate(steps, [.. errorSums.Select(e => e / paths)]);
    }

    [Fact]
    public void EulerMaruyama_GeometricBrownianMotion_StrongOrderOneHalf()
    {
        // E|X_T^h − X_T| over 2000 paths, h = 2^-5 … 2^-9: slope within 0.15 of 1/2 (Higham 2001 measures 0.5).
        double p = StrongOrder(SdeScheme.EulerMaruyama, paths: 2000, finestLevel: 9, levels: 5);
        Assert.InRange(p, 0.35, 0.65);
    }

    [Fact]
    public void Milstein_GeometricBrownianMotion_StrongOrderOne()
    {
        double p = StrongOrder(SdeScheme.Milstein, paths: 2000, finestLevel: 9, levels: 5);
        Assert.InRange(p, 0.85, 1.15);
    }

    [Fact]
    public void EulerMaruyama_OrnsteinUhlenbeck_StationaryVarianceMatches()
    {
        // dX = −X/τ dt + σ dW: EM's stationary variance is σ²h/(1 − (1 − h/τ)²) (exact for the AR(1) recursion);
        // sample from 4000 independent paths at T = 10τ; tolerance 5 standard errors of a variance, 5·v·√(2/n).
        const double tau = 1, sigma = 0.5, h = 0.05;
        const int n = 4000;
        var values = new double[n];
        var streams = new RandomStreams(7);
        for (int p = 0; p < n; p++)
        {
            RandomGenerator random = streams.For(StreamPurpose.Noise, p);
            OdeSolution s = EulerMaruyama.Solver.Solve(new SdeProblem<OrnsteinUhlenbeck>(new OrnsteinUhlenbeck(tau, sigma), [0.0], 0, 10 * tau), new SolveOptions { StepSize = h, SaveEvery = 0 }, ref random);
            values[p] = s.FinalState()[0];
        }

        double a = 1 - h / tau;
        double expected = sigma * sigma * h / (1 - a * a);
        Assert.Equal(expected, Statistics.Variance(values), 5 * expected * Math.Sqrt(2.0 / n));
        Assert.Equal(0, Statistics.Mean(values), 5 * Math.Sqrt(expected / n));
    }

    [Fact]
    public void Solve_SameSeed_IsReproducible_AndEqualsGivenIncrements()
    {
        var problem = new SdeProblem<Gbm>(new Gbm(Lambda, Mu), [1.0], 0, 1);
        var options = new SolveOptions { StepSize = 0.01 };
        RandomGenerator r1 = new RandomStreams(5).For(StreamPurpose.Noise);
        RandomGenerator r2 = new RandomStreams(5).For(StreamPurpose.Noise);
        OdeSolution a = Milstein.Solver.Solve(problem, options, ref r1);
        OdeSolution b = Milstein.Solver.Solve(problem, options, ref r2);
        Assert.Equal(a.States, b.States);

        // The documented draw order: ΔW_k = √h · z_k, z from the generator in step order.
        RandomGenerator r3 = new RandomStreams(5).For(StreamPurpose.Noise);
        double[] increments = [.. Enumerable.Range(0, 100).Select(_ => Math.Sqrt(0.01) * r3.NextNormal())];
        OdeSolution c = Milstein.Solver.Solve(problem, options, increments);
        Assert.Equal(a.States, c.States);
    }

    [Fact]
    public void SdeStepper_Step_AllocatesZeroBytes()
    {
        var stepper = new SdeStepper<OrnsteinUhlenbeck>(SdeScheme.Milstein, new OrnsteinUhlenbeck(1, 1));
        RandomGenerator random = new RandomStreams(1).For(StreamPurpose.Noise);
        double[] y = [0.0];
        for (int k = 0; k < 1000; k++)
        {
            stepper.Step(0, y, 0.01, ref random);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 10_000; k++)
        {
            stepper.Step(0, y, 0.01, ref random);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Sde_GridEvents_ResetAndRecord()
    {
        // Noisy LIF, σ = 1e-3 mV/√ms: V jitters by σ√(τ/2) ≈ 2.2e-3 mV, i.e. ≈ 4.5e-3 ms per spike at dV/dt = 0.5 mV/ms,
        // accumulating to ≈ 1e-2 ms by spike 5; EM drift and grid stamping add < 1e-2 ms. Bound 0.05 ms.
        var problem = new SdeProblem<NoisyLif>(new NoisyLif(SlidesLif.TauMs, SlidesLif.VInfinityMv, 1e-3), [SlidesLif.RestMv], 0, 100);
        RandomGenerator random = new RandomStreams(3).For(StreamPurpose.Noise);
        OdeSolution s = EulerMaruyama.Solver.Solve(problem, new SolveOptions { StepSize = 0.001, SaveEvery = 0 }, ref random, new LifThreshold(SlidesLif.ThresholdMv, SlidesLif.ResetMv));
        List<double> expected = SlidesLif.SpikeTimes(100);
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(expected[k], s.Events[k].Time, 0.05);
            Assert.Equal(Math.Round(s.Events[k].Time / 0.001) * 0.001, s.Events[k].Time, 1e-9); // stamped on the grid
        }
    }

    private readonly struct Gbm(double lambda, double mu) : ISdeSystem
    {
        public int Dimension => 1;

        public void Drift(double t, ReadOnlySpan<double> y, Span<double> drift) => drift[0] = lambda * y[0];

        public void Diffusion(double t, ReadOnlySpan<double> y, Span<double> diffusion) => diffusion[0] = mu * y[0];

        public void DiffusionDerivative(double t, ReadOnlySpan<double> y, Span<double> derivative) => derivative[0] = mu;
    }

    private readonly struct OrnsteinUhlenbeck(double tau, double sigma) : ISdeSystem
    {
        public int Dimension => 1;

        public void Drift(double t, ReadOnlySpan<double> y, Span<double> drift) => drift[0] = -y[0] / tau;

        public void Diffusion(double t, ReadOnlySpan<double> y, Span<double> diffusion) => diffusion[0] = sigma;

        public void DiffusionDerivative(double t, ReadOnlySpan<double> y, Span<double> derivative) => derivative[0] = 0;
    }

    private readonly struct NoisyLif(double tau, double vInf, double sigma) : ISdeSystem
    {
        public int Dimension => 1;

        public void Drift(double t, ReadOnlySpan<double> y, Span<double> drift) => drift[0] = (vInf - y[0]) / tau;

        public void Diffusion(double t, ReadOnlySpan<double> y, Span<double> diffusion) => diffusion[0] = sigma;

        public void DiffusionDerivative(double t, ReadOnlySpan<double> y, Span<double> derivative) => derivative[0] = 0;
    }
}
