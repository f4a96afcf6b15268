using StatNeuro.Dynamics;
using StatNeuro.Neurons;
using StatNeuro.Numerics;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Neurons;

public class LeakyIntegrateAndFireTests
{
    private static readonly LifParameters s_slides = new();

    /// <summary>Closed-form spike times of the slides' LIF from V_rest under R I = 30 mV over 100 ms.</summary>
    private static double[] ClosedFormSpikes(double durationMs)
    {
        // First spike: t1 = τ ln((V_rest − V∞)/(V_th − V∞)); then period τ ln((V_reset − V∞)/(V_th − V∞)).
        double first = s_slides.TimeToThresholdMs(s_slides.VRestMv, 3.0);
        double period = s_slides.TimeToThresholdMs(s_slides.VResetMv, 3.0);
        var spikes = new List<double>();
        for (double t = first; t <= durationMs; t += period)
        {
            spikes.Add(t);
        }

        return [.. spikes];
    }

    [Fact]
    public void ClosedForm_SlidesValues_FirstSpikeAndPeriod()
    {
        // V∞ = −35 mV: t1 = 10 ln(30/5) = 17.9176 ms; period = 10 ln(35/5) = 19.4591 ms.
        Assert.Equal(10 * Math.Log(6), s_slides.TimeToThresholdMs(-65, 3.0), 1e-12);
        Assert.Equal(10 * Math.Log(7), s_slides.TimeToThresholdMs(-70, 3.0), 1e-12);
        Assert.Equal(5, ClosedFormSpikes(100).Length);
    }

    [Theory]
    [InlineData(NeuronMethod.RungeKutta4, 0.01, 1e-9)]  // RK4 local error ~ (h/τ)^5/120 · 35 mV ≈ 3e-15 mV; Hermite location O(h^4) ≈ 1e-13 ms
    [InlineData(NeuronMethod.Exact, 0.1, 1e-11)]        // closed-form propagator and crossing: only rounding (~1e-14 relative × 100 ms)
    public void PreciseEvents_SlidesLif_MatchClosedFormSpikeTimes(NeuronMethod method, double dt, double tolerance)
    {
        NeuronTrace trace = NeuronSimulation.Run(new LeakyIntegrateAndFire(s_slides), new ConstantCurrent(3.0),
            new NeuronSimulationSettings { DurationMs = 100, StepMs = dt, Method = method, Events = EventMode.Precise });
        double[] expected = ClosedFormSpikes(100);
        Assert.Equal(expected.Length, trace.SpikeTimes.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.Equal(expected[k], trace.SpikeTimes[k], tolerance);
        }
    }

    [Fact]
    public void GridEvents_Euler_ConvergesAtOrderOne()
    {
        // Grid mode stamps spikes at the step end (error ≤ h) and Euler's truncation error is O(h): slope 1 ± 0.2.
        double[] expected = ClosedFormSpikes(100);
        double[] steps = [0.1, 0.05, 0.025, 0.0125, 0.00625];
        var errors = new List<double>();
        foreach (double h in steps)
        {
            NeuronTrace trace = NeuronSimulation.Run(new LeakyIntegrateAndFire(s_slides), new ConstantCurrent(3.0),
                new NeuronSimulationSettings { DurationMs = 100, StepMs = h, Method = NeuronMethod.Euler, Events = EventMode.Grid, RecordEvery = 0 });
            Assert.Equal(expected.Length, trace.SpikeTimes.Length);
            errors.Add(expected.Zip(trace.SpikeTimes, (a, b) => Math.Abs(a - b)).Max());
        }

        double slope = ConvergenceOrder.Estimate(steps, errors);
        Assert.InRange(slope, 0.8, 1.2);
    }

    [Fact]
    public void Refractory_HoldsResetAndDelaysNextSpike()
    {
        // With τ_ref, the period becomes τ_ref + τ ln((V_reset − V∞)/(V_th − V∞)).
        var p = s_slides with { RefractoryMs = 2 };
        NeuronTrace trace = NeuronSimulation.Run(new LeakyIntegrateAndFire(p), new ConstantCurrent(3.0),
            new NeuronSimulationSettings { DurationMs = 100, StepMs = 0.1, Method = NeuronMethod.Exact });
        double period = 2 + p.TimeToThresholdMs(p.VResetMv, 3.0);
        Assert.Equal(p.TimeToThresholdMs(p.VRestMv, 3.0), trace.SpikeTimes[0], 1e-11);
        for (int k = 1; k < trace.SpikeTimes.Length; k++)
        {
            Assert.Equal(period, trace.SpikeTimes[k] - trace.SpikeTimes[k - 1], 1e-10);
        }
    }

    [Fact]
    public void FiniteWindowRheobase_MatchesClosedForm()
    {
        // Within a window T from rest, the first spike needs τ ln(RI/(RI − (V_th − V_rest))) ≤ T, so the
        // finite-window rheobase is I* = (V_th − V_rest)/R · e^{T/τ}/(e^{T/τ} − 1) = 2.5 nA · e^10/(e^10 − 1).
        double expected = 2.5 * Math.Exp(10) / (Math.Exp(10) - 1);
        FiCurve curve = FiCurves.Compute(new LeakyIntegrateAndFire(s_slides), [0.0, 1.0, 2.0, 3.0, 4.0],
            new NeuronSimulationSettings { DurationMs = 100, StepMs = 0.1, Method = NeuronMethod.Exact }, seed: 1, threads: 2, bisectionTolerance: 1e-9);
        Assert.Equal(expected, curve.RheobaseCurrent, 1e-8);
        // Counts from the closed form: floor((T − t1)/period) + 1 with t1, period as above (I = 3: 5; I = 4: 9).
        Assert.Equal([0, 0, 0, 5, 9], curve.SpikeCounts);
    }

    [Fact]
    public void WhiteNoise_SubthresholdVoltage_HasOrnsteinUhlenbeckVariance()
    {
        // dV = (V_rest − V + R I)/τ dt + (R σ/τ) dW: stationary mean V_rest + R I, variance R²σ²/(2τ).
        // Euler–Maruyama inflates the stationary variance by 1/(1 − h/(2τ)) = 1.0005 here, far below the 5σ band.
        var p = s_slides with { VThresholdMv = 1000 };
        const double sigma = 0.5, current = 1.0;
        NeuronTrace trace = NeuronSimulation.Run(new LeakyIntegrateAndFire(p), new ConstantCurrent(current),
            new NeuronSimulationSettings { DurationMs = 20_000, StepMs = 0.01, Method = NeuronMethod.Euler, Noise = new NoiseSpec(sigma), RecordEvery = 10 }, seed: 7);
        double[] v = trace.States.Skip(1000).ToArray();
        double expectedVar = p.ResistanceMOhm * p.ResistanceMOhm * sigma * sigma / (2 * p.TauMs);
        // Effective independent samples ≈ T/(2τ) = 1000: SE(mean) = sqrt(var/1000), SE(var) ≈ var·sqrt(2/1000).
        double nEff = 20_000 / (2 * p.TauMs);
        Assert.InRange(Statistics.Mean(v), p.SteadyStateMv(current) - 5 * Math.Sqrt(expectedVar / nEff), p.SteadyStateMv(current) + 5 * Math.Sqrt(expectedVar / nEff));
        Assert.InRange(Statistics.Variance(v), expectedVar * (1 - 5 * Math.Sqrt(2 / nEff)), expectedVar * (1 + 5 * Math.Sqrt(2 / nEff)));
    }

    [Fact]
    public void Noise_SameSeed_IsReproducible_AndThreadIndependentInFiCurves()
    {
        var settings = new NeuronSimulationSettings { DurationMs = 200, StepMs = 0.05, Method = NeuronMethod.Euler, Noise = new NoiseSpec(1.0) };
        double[] currents = [2.0, 2.3, 2.6, 2.9, 3.2];
        FiCurve one = FiCurves.Compute(new LeakyIntegrateAndFire(s_slides), currents, settings, seed: 11, threads: 1);
        FiCurve two = FiCurves.Compute(new LeakyIntegrateAndFire(s_slides), currents, settings, seed: 11, threads: 2);
        Assert.Equal(one.SpikeCounts, two.SpikeCounts);
        Assert.Equal(one.RheobaseCurrent, two.RheobaseCurrent);
        double[] a = NeuronSimulation.Run(new LeakyIntegrateAndFire(s_slides), new ConstantCurrent(2.0), settings, seed: 11).States;
        double[] b = NeuronSimulation.Run(new LeakyIntegrateAndFire(s_slides), new ConstantCurrent(2.0), settings, seed: 11).States;
        double[] c = NeuronSimulation.Run(new LeakyIntegrateAndFire(s_slides), new ConstantCurrent(2.0), settings, seed: 12).States;
        Assert.Equal(a, b);
        Assert.NotEqual(a[^1], c[^1]);
    }
}
