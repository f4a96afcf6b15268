using BenchmarkDotNet.Attributes;
using StatNeuro.Dynamics;

namespace StatNeuro.Benchmarks.Dynamics;

/// <summary>
/// Question: what does one step cost for RK4 vs Dormand–Prince on a small system, and what does adaptivity cost
/// over a whole solve at equal accuracy? Each step benchmark runs 1000 steps (OperationsPerInvoke), so the reported
/// time is per step; the solve benchmarks integrate a ring of coupled oscillators over 10 time units.
/// </summary>
[MemoryDiagnoser]
public class SolverBenchmarks
{
    private const int StepsPerInvoke = 1000;
    private ExplicitRungeKuttaStepper<OscillatorRing> _rk4 = null!;
    private ExplicitRungeKuttaStepper<OscillatorRing> _dp5 = null!;
    private OdeProblem<OscillatorRing> _problem = null!;
    private double[] _state = null!;

    /// <summary>Number of oscillators (state dimension 2N).</summary>
    [Params(2, 32)]
    public int Oscillators { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var system = new OscillatorRing(Oscillators, 0.1);
        _rk4 = new ExplicitRungeKuttaStepper<OscillatorRing>(ButcherTableaus.RungeKutta4, system);
        _dp5 = new ExplicitRungeKuttaStepper<OscillatorRing>(ButcherTableaus.DormandPrince54, system);
        _state = new double[2 * Oscillators];
        for (int i = 0; i < Oscillators; i++)
        {
            _state[2 * i] = Math.Cos(i); // deterministic initial condition, no randomness needed
        }

        _problem = new OdeProblem<OscillatorRing>(system, (double[])_state.Clone(), 0, 10);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = StepsPerInvoke)]
    public double Rk4Step()
    {
        for (int k = 0; k < StepsPerInvoke; k++)
        {
            _rk4.Step(k * 1e-3, _state, 1e-3);
        }

        return _state[0];
    }

    [Benchmark(OperationsPerInvoke = StepsPerInvoke)]
    public double DormandPrinceStep()
    {
        for (int k = 0; k < StepsPerInvoke; k++)
        {
            _dp5.Step(k * 1e-3, _state, 1e-3);
        }

        return _state[0];
    }

    /// <summary>RK4 solve at h = 0.01 (global error ≈ 1e-8 here).</summary>
    [Benchmark]
    public double Rk4Solve() =>
        new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(_problem, new SolveOptions { StepSize = 0.01, SaveEvery = 0 }).FinalState()[0];

    /// <summary>Adaptive DOPRI5 solve at rtol = atol = 1e-8.</summary>
    [Benchmark]
    public double DormandPrinceAdaptiveSolve() =>
        new AdaptiveRungeKutta().Solve(_problem, new SolveOptions { RelativeTolerance = 1e-8, AbsoluteTolerance = 1e-8, SaveEvery = 0 }).FinalState()[0];

    /// <summary>N unit oscillators x_i'' = −x_i + κ(x_{i−1} − 2x_i + x_{i+1}) on a ring, state (x_i, v_i) interleaved.</summary>
    public readonly struct OscillatorRing(int count, double coupling) : IOdeSystem
    {
        public int Dimension => 2 * count;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            for (int i = 0; i < count; i++)
            {
                double x = y[2 * i];
                double left = y[2 * (i == 0 ? count - 1 : i - 1)];
                double right = y[2 * (i == count - 1 ? 0 : i + 1)];
                dydt[2 * i] = y[2 * i + 1];
                dydt[2 * i + 1] = -x + coupling * (left - 2 * x + right);
            }
        }
    }
}
