using StatNeuro.Dynamics;

namespace StatNeuro.Neurons;

/// <summary>
/// Single-neuron runs with the adaptive Dormand–Prince 5(4) solver or the implicit Rosenbrock23 solver: spikes are
/// threshold events (V − V_th, or V − V_detect for Hodgkin–Huxley) located on the dense output; reset models apply
/// their reset in the event. The output grid is every RecordEvery·dt.
/// </summary>
internal static class AdaptiveRun
{
    public static NeuronTrace Run(INeuronModel model, CurrentInput input, NeuronSimulationSettings s)
    {
        if (model.RefractoryMs > 0)
        {
            throw new ArgumentException($"a refractory period needs a fixed-step method (euler, midpoint, heun, rk4, exp-euler, exact), not {s.Method}");
        }

        var system = new NeuronOdeSystem(model, input, new NoiseHolder());
        var y0 = new double[model.StateNames.Count];
        model.InitialState(y0);
        var problem = new OdeProblem<NeuronOdeSystem>(system, y0, 0, s.DurationMs);
        List<double>? saveAt = null;
        if (s.RecordEvery > 0)
        {
            double every = s.RecordEvery * s.StepMs;
            saveAt = [];
            for (long k = 0; k * every <= s.DurationMs * (1 + 1e-12); k++)
            {
                saveAt.Add(Math.Min(k * every, s.DurationMs));
            }
        }

        var options = new SolveOptions
        {
            RelativeTolerance = s.RelativeTolerance,
            AbsoluteTolerance = s.AbsoluteTolerance,
            EventMode = s.Events,
            SaveEvery = 0,
            SaveAt = saveAt,
            MaximumStep = s.Events == EventMode.Grid ? s.StepMs : double.PositiveInfinity,
        };
        IOdeSolver solver = s.Method == NeuronMethod.Implicit ? new Rosenbrock23() : new AdaptiveRungeKutta(ButcherTableaus.DormandPrince54);
        OdeSolution solution = solver.Solve(problem, options, new SpikeEvents(model));
        double[] spikes = solution.Events.Select(e => e.Time).ToArray();
        double[] times = s.RecordEvery > 0 ? [.. solution.Times] : [solution.Times[^1]];
        double[] states = s.RecordEvery > 0 ? [.. solution.States] : solution.FinalState();
        return new NeuronTrace(model.StateNames, times, states, spikes, solution.Status, solution.Statistics.AcceptedSteps, solution.Statistics.FunctionEvaluations);
    }

    /// <summary>One event: V crosses the model's spike voltage upwards; reset models reset.</summary>
    private sealed class SpikeEvents(INeuronModel model) : IThresholdEvents
    {
        public int Count => 1;

        public void Evaluate(double t, ReadOnlySpan<double> y, Span<double> values) => values[0] = y[0] - model.SpikeVoltageMv;

        public void Apply(int index, double t, Span<double> y)
        {
            if (model.Mechanism == SpikeMechanism.ThresholdReset)
            {
                model.Reset(y);
            }
        }
    }
}
