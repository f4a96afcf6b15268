using StatNeuro.Dynamics;
using StatNeuro.Neurons;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Neurons;

public class HodgkinHuxleyTests
{
    /// <summary>
    /// Independent reference: upward 0 mV crossings for I = 10 µA/cm² from rest, 100 ms, computed with SciPy 1.10.1
    /// solve_ivp DOP853 at rtol = atol = 1e-12 (benchmarks/compare/hh_reference.py); Radau at 1e-11 agrees to 6e-11 ms.
    /// </summary>
    private static readonly double[] s_referenceSpikesMs =
        [1.9009719516571066, 16.82258264961459, 31.471826641432827, 46.10900156012246, 60.74528301192105, 75.38149829424005, 90.0177086760347];

    [Fact]
    public void Rates_RemovableSingularities_AreContinuous()
    {
        // α_m has 0/0 at V = −40 mV and α_n at V = −55 mV; the limits are 1 and 0.1 (x/(1−e^{−x}) → 1).
        Assert.Equal(1.0, HodgkinHuxley.AlphaM(-40), 1e-15);
        Assert.Equal(0.1, HodgkinHuxley.AlphaN(-55), 1e-15);
        Assert.Equal(HodgkinHuxley.AlphaM(-40 + 1e-6), HodgkinHuxley.AlphaM(-40), 1e-7);
        Assert.Equal(HodgkinHuxley.AlphaN(-55 - 1e-6), HodgkinHuxley.AlphaN(-55), 1e-8);
    }

    [Fact]
    public void Rest_NoCurrent_StaysNearMinus65()
    {
        // E_L = −54.387 mV is chosen so that −65 mV is (very nearly) the resting potential with gates at steady state.
        var model = new HodgkinHuxley(new HodgkinHuxleyParameters());
        var y = new double[4];
        var f = new double[4];
        model.InitialState(y);
        model.Derivative(y, 0, f);
        // f(V0) = 0.0042 mV/ms: the true fixed point lies within ~0.01 mV of −65 mV (dV/dt / |∂f/∂V| with |∂f/∂V| ≈ 0.6/ms).
        Assert.InRange(f[0], -1e-2, 1e-2);
        NeuronTrace trace = NeuronSimulation.Run(model, new ConstantCurrent(0), new NeuronSimulationSettings { DurationMs = 50, StepMs = 0.01 });
        Assert.Empty(trace.SpikeTimes);
        Assert.InRange(trace.States[^4], -65.1, -64.9);
    }

    [Theory]
    [InlineData(NeuronMethod.RungeKutta4, 0.01, 1e-4)]  // RK4 global error O(h^4): ~1e-6 ms measured; 1e-4 leaves margin
    [InlineData(NeuronMethod.RungeKutta4, 0.025, 1e-2)] // the acceptance line: within 0.01 ms
    public void SpikeTimes_StepFromRest_MatchIndependentReference(NeuronMethod method, double dt, double tolerance)
    {
        NeuronTrace trace = NeuronSimulation.Run(new HodgkinHuxley(new HodgkinHuxleyParameters()), new ConstantCurrent(10),
            new NeuronSimulationSettings { DurationMs = 100, StepMs = dt, Method = method, RecordEvery = 0 });
        Assert.Equal(s_referenceSpikesMs.Length, trace.SpikeTimes.Length);
        for (int k = 0; k < s_referenceSpikesMs.Length; k++)
        {
            Assert.Equal(s_referenceSpikesMs[k], trace.SpikeTimes[k], tolerance);
        }
    }

    [Fact]
    public void ExponentialEuler_SpikeTimes_ConvergeAtOrderOne()
    {
        double[] steps = [0.004, 0.002, 0.001, 0.0005];
        var errors = new List<double>();
        foreach (double h in steps)
        {
            NeuronTrace trace = NeuronSimulation.Run(new HodgkinHuxley(new HodgkinHuxleyParameters()), new ConstantCurrent(10),
                new NeuronSimulationSettings { DurationMs = 20, StepMs = h, Method = NeuronMethod.ExponentialEuler, RecordEvery = 0 });
            errors.Add(Math.Abs(trace.SpikeTimes[1] - s_referenceSpikesMs[1]));
        }

        Assert.InRange(ConvergenceOrder.Estimate(steps, errors), 0.8, 1.2);
    }

    [Fact]
    public void RungeKutta4_SpikeTimes_ConvergeAtOrderFour()
    {
        double[] steps = [0.04, 0.02, 0.01];
        var errors = new List<double>();
        foreach (double h in steps)
        {
            NeuronTrace trace = NeuronSimulation.Run(new HodgkinHuxley(new HodgkinHuxleyParameters()), new ConstantCurrent(10),
                new NeuronSimulationSettings { DurationMs = 20, StepMs = h, Method = NeuronMethod.RungeKutta4, RecordEvery = 0 });
            errors.Add(Math.Abs(trace.SpikeTimes[1] - s_referenceSpikesMs[1]));
        }

        Assert.InRange(ConvergenceOrder.Estimate(steps, errors), 3.6, 4.4);
    }
}

public class AdaptiveNeuronTests
{
    private static readonly double[] s_referenceSpikesMs =
        [1.9009719516571066, 16.82258264961459, 31.471826641432827, 46.10900156012246, 60.74528301192105, 75.38149829424005, 90.0177086760347];

    [Theory]
    [InlineData(NeuronMethod.DormandPrince45, 1e-10, 1e-6)] // DP5 at rtol 1e-10: spike times to ~1e-7 ms
    [InlineData(NeuronMethod.Implicit, 1e-7, 1e-2)]        // Rosenbrock23 (order 2-3) at rtol 1e-7: the acceptance bound 0.01 ms
    public void HodgkinHuxley_AdaptiveMethods_MatchReference(NeuronMethod method, double rtol, double tolerance)
    {
        NeuronTrace trace = NeuronSimulation.Run(new HodgkinHuxley(new HodgkinHuxleyParameters()), new ConstantCurrent(10),
            new NeuronSimulationSettings { DurationMs = 100, StepMs = 0.1, Method = method, RelativeTolerance = rtol, AbsoluteTolerance = rtol * 1e-2 });
        Assert.Equal(SolveStatus.Success, trace.Status);
        Assert.Equal(s_referenceSpikesMs.Length, trace.SpikeTimes.Length);
        for (int k = 0; k < s_referenceSpikesMs.Length; k++)
        {
            Assert.Equal(s_referenceSpikesMs[k], trace.SpikeTimes[k], tolerance);
        }

        Assert.Equal(1001, trace.Times.Length);
    }

    [Fact]
    public void Lif_DormandPrince_PreciseEvents_MatchClosedForm()
    {
        var p = new LifParameters();
        NeuronTrace trace = NeuronSimulation.Run(new LeakyIntegrateAndFire(p), new ConstantCurrent(3.0),
            new NeuronSimulationSettings { DurationMs = 100, StepMs = 0.1, Method = NeuronMethod.DormandPrince45, RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-12 });
        double first = p.TimeToThresholdMs(p.VRestMv, 3.0), period = p.TimeToThresholdMs(p.VResetMv, 3.0);
        Assert.Equal(5, trace.SpikeTimes.Length);
        for (int k = 0; k < 5; k++)
        {
            // Tolerance 1e-9 ms: the acceptance bound; DP5 at rtol 1e-12 with event location to 1e-13 ms.
            Assert.Equal(first + k * period, trace.SpikeTimes[k], 1e-9);
        }
    }
}
