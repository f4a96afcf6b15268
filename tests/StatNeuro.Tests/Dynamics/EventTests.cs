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
