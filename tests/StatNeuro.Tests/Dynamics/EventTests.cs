using StatNeuro.Dynamics;
using StatNeuro.Tests.Support;

namespace StatNeuro.Tests.Dynamics;

public class EventTests
{
    private static OdeProblem<LifMembrane> LifProblem(double durationMs = 100) =>
        new(new LifMembrane(SlidesLif.TauMs, SlidesLif.VInfinityMv), [SlidesLif.RestMv], 0, durationMs);

    private static LifThreshold Threshold() => new(SlidesLif.ThresholdMv, SlidesLif.ResetMv);

    [Fact]
    public void Rk4Precise_SlidesLif_SpikeTimesMatchClosedFormTo1em9()
    {
        // t_1 = 10 ln 6 ≈ 17.918 ms, then every 10 ln 7 ≈ 19.459 ms: 5 spikes in 100 ms. RK4 at dt = 0.01 ms has
        // local error ~ (h/τ)^5/120·30 mV ≈ 2e-16 mV and the Hermite interpolant ~ h⁴|V''''|/384 ≈ 1e-13 mV, so
        // the located times are accurate to ~1e-12 ms; 1e-9 ms is the acceptance bound.
        List<double> expected = SlidesLif.SpikeTimes(100);
        Assert.Equal(5, expected.Count);
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(LifProblem(), new SolveOptions { StepSize = 0.01, EventMode = EventMode.Precise }, Threshold());
        Assert.Equal(SolveStatus.Success, s.Status);
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            Assert.Equal(0, s.Events[k].Index);
            Assert.Equal(expected[k], s.Events[k].Time, 1e-9);
        }
    }

    [Fact]
    public void EulerGrid_SlidesLif_SpikeTimesConvergeAtOrderOne()
    {
        // Grid events are stamped at the step end and Euler's drift is O(h): the RMS spike-time error is O(h). The
        // constant fluctuates with the grid phase, so fit over 13 steps spanning a factor 64.
        List<double> expected = SlidesLif.SpikeTimes(100);
        var steps = new List<double>();
        var errors = new List<double>();
        for (int k = 0; k <= 12; k++)
        {
            double h = 0.1 / Math.Pow(2, k / 2.0);
            OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.Euler).Solve(LifProblem(), new SolveOptions { StepSize = h, EventMode = EventMode.Grid, SaveEvery = 0 }, Threshold());
            Assert.Equal(expected.Count, s.Events.Count);
            double sq = 0;
            for (int i = 0; i < expected.Count; i++)
            {
                sq += Math.Pow(s.Events[i].Time - expected[i], 2);
            }

            steps.Add(h);
            errors.Add(Math.Sqrt(sq / expected.Count));
        }

        double p = ConvergenceOrder.Estimate(steps, errors);
        Assert.InRange(p, 0.8, 1.2);
    }

    [Fact]
    public void Grid_EventTimesAreStepEnds()
    {
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(LifProblem(), new SolveOptions { StepSize = 0.1, EventMode = EventMode.Grid }, Threshold());
        List<double> expected = SlidesLif.SpikeTimes(100);
        Assert.Equal(expected.Count, s.Events.Count);
        for (int k = 0; k < expected.Count; k++)
        {
            double t = s.Events[k].Time;
            Assert.Equal(Math.Round(t / 0.1) * 0.1, t, 1e-9); // on the grid
            Assert.True(t >= expected[k] - 1e-6 && t < expected[k] + 0.1 + 0.2 * k, $"spike {k}: {t} vs {expected[k]}");
        }
    }

    [Fact]
    public void Precise_SaveAtEvents_StoresThresholdAndResetStates()
    {
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(
            LifProblem(30), new SolveOptions { StepSize = 0.1, SaveAtEvents = true }, Threshold());
        Assert.Single(s.Events);
        int row = s.Times.ToList().IndexOf(s.Events[0].Time);
        Assert.True(row > 0);
        Assert.Equal(SlidesLif.ThresholdMv, s[row, 0], 1e-9);
        Assert.Equal(SlidesLif.ResetMv, s[row + 1, 0], 1e-12);
        Assert.Equal(s.Times[row], s.Times[row + 1]);
    }

    [Fact]
    public void TerminatingEvent_StopsAtFirstSpike()
    {
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(LifProblem(), new SolveOptions { StepSize = 0.01 }, new StopAtThreshold());
        Assert.Equal(SolveStatus.Terminated, s.Status);
        Assert.True(s.Succeeded);
        Assert.Equal(SlidesLif.SpikeTimes(100)[0], s.Times[^1], 1e-9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Precise_TwoNeuronsInOneSystem_EachSpikeTrainMatchesClosedForm(bool adaptive)
    {
        // Two uncoupled LIFs (V∞ = −35 and −30 mV) in one state vector with one event function each; at dt = 0.1 ms
        // their crossings sometimes share a step, so the earliest must be located first and the step restarted.
        // Closed form per neuron: t_1 = τ ln((V_rest − V∞)/(V_th − V∞)), period τ ln((V_reset − V∞)/(V_th − V∞)).
        // RK4 at dt = 0.1: Hermite location error ≈ 7e-9 ms (docs), bound 1e-7; DOPRI5 at 1e-12: bound 1e-9.
        double[] vInf = [-35, -30];
        var problem = new OdeProblem<TwoLif>(new TwoLif(SlidesLif.TauMs, vInf[0], vInf[1]), [SlidesLif.RestMv, SlidesLif.RestMv], 0, 100);
        var events = new TwoThresholds(SlidesLif.ThresholdMv, SlidesLif.ResetMv);
        OdeSolution s = adaptive
            ? new AdaptiveRungeKutta().Solve(problem, new SolveOptions { RelativeTolerance = 1e-12, AbsoluteTolerance = 1e-12, SaveEvery = 0 }, events)
            : new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(problem, new SolveOptions { StepSize = 0.1, SaveEvery = 0 }, events);
        double bound = adaptive ? 1e-9 : 1e-7;
        for (int i = 0; i < 2; i++)
        {
            double first = SlidesLif.TauMs * Math.Log((SlidesLif.RestMv - vInf[i]) / (SlidesLif.ThresholdMv - vInf[i]));
            double period = SlidesLif.TauMs * Math.Log((SlidesLif.ResetMv - vInf[i]) / (SlidesLif.ThresholdMv - vInf[i]));
            double[] times = [.. s.Events.Where(e => e.Index == i).Select(e => e.Time)];
            Assert.Equal((int)Math.Floor((100 - first) / period) + 1, times.Length);
            for (int k = 0; k < times.Length; k++)
            {
                Assert.Equal(first + k * period, times[k], bound);
            }
        }

        for (int k = 1; k < s.Events.Count; k++)
        {
            Assert.True(s.Events[k].Time >= s.Events[k - 1].Time, "events in time order");
        }
    }

    [Fact]
    public void Precise_SaveAtWithResets_FollowsPiecewiseClosedForm()
    {
        // Between spikes V(t) = V∞ + (V_after − V∞) e^{−(t − t_spike)/τ}; SaveAt values come from the Hermite
        // interpolant of each segment (error ~1e-9 mV at h = 0.05); bound 1e-7 mV.
        double[] at = [.. Enumerable.Range(0, 401).Select(i => i * 0.25)];
        OdeSolution s = new ExplicitRungeKutta(ButcherTableaus.RungeKutta4).Solve(LifProblem(), new SolveOptions { StepSize = 0.05, SaveAt = at }, Threshold());
        List<double> spikes = SlidesLif.SpikeTimes(100);
        Assert.Equal(at, s.Times);
        for (int r = 0; r < at.Length; r++)
        {
            double t = at[r];
            double last = spikes.LastOrDefault(x => x <= t, double.NaN);
            double exact = double.IsNaN(last)
                ? SlidesLif.VInfinityMv + (SlidesLif.RestMv - SlidesLif.VInfinityMv) * Math.Exp(-t / SlidesLif.TauMs)
                : SlidesLif.VInfinityMv + (SlidesLif.ResetMv - SlidesLif.VInfinityMv) * Math.Exp(-(t - last) / SlidesLif.TauMs);
            Assert.Equal(exact, s[r, 0], 1e-7);
        }
    }

    [Theory]
    [InlineData("rk4")]
    [InlineData("dp45")]
    [InlineData("rosenbrock23")]
    public void Precise_DetectionOnlyEvent_DoesNotPerturbTrajectory(string method)
    {
        // x = cos t crosses 0 upwards at t = 3π/2 + 2πk. An event whose Apply does nothing must leave the solution
        // bit-for-bit identical to a run without events, and still record the crossing times.
        IOdeSolver solver = OdeSolvers.Create(method);
        var problem = new OdeProblem<Oscillator>(new Oscillator(1), [1.0, 0.0], 0, 20);
        var options = new SolveOptions { StepSize = 0.01, RelativeTolerance = 1e-10, AbsoluteTolerance = 1e-10 };
        OdeSolution plain = solver.Solve(problem, options);
        OdeSolution withEvents = solver.Solve(problem, options, new UpwardZero());
        Assert.Equal(plain.Times, withEvents.Times);
        Assert.Equal(plain.States, withEvents.States);
        Assert.Equal(3, withEvents.Events.Count);

        // Location error: RK4 Hermite ~1e-11; DOPRI5 dense ~tolerance; Rosenbrock23 (2nd order) ~1e-6 at 1e-10.
        double bound = method == "rosenbrock23" ? 1e-5 : 1e-8;
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(1.5 * Math.PI + 2 * Math.PI * k, withEvents.Events[k].Time, bound);
        }
    }

    private sealed class UpwardZero : IThresholdEvents
    {
        public int Count => 1;

        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values) => values[0] = y[0];

        public void Apply(int index, double t, Span<double> y)
        {
        }
    }

    private readonly struct TwoLif(double tau, double vInf0, double vInf1) : IOdeSystem
    {
        public int Dimension => 2;

        public void Derivative(double t, ReadOnlySpan<double> y, Span<double> dydt)
        {
            dydt[0] = (vInf0 - y[0]) / tau;
            dydt[1] = (vInf1 - y[1]) / tau;
        }
    }

    private sealed class TwoThresholds(double threshold, double reset) : IThresholdEvents
    {
        public int Count => 2;

        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values)
        {
            values[0] = y[0] - threshold;
            values[1] = y[1] - threshold;
        }

        public void Apply(int index, double t, Span<double> y) => y[index] = reset;
    }

    private sealed class StopAtThreshold : ITerminatingEvents
    {
        public int Count => 1;

        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values) => values[0] = y[0] - SlidesLif.ThresholdMv;

        public void Apply(int index, double t, Span<double> y)
        {
        }

        public bool IsTerminal(int index) => true;
    }
}
