using System.Diagnostics;
using StatNeuro.Networks;

namespace StatNeuro.Plasticity;

/// <summary>Settings of the Pavlov conditioning example.</summary>
public sealed record PavlovOptions
{
    /// <summary>Seed (spike jitter of the inputs).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Neurons in each input group ("bell" and "food").</summary>
    public int InputSize { get; init; } = 10;

    /// <summary>Number of paired presentations.</summary>
    public int Pairings { get; init; } = 20;

    /// <summary>Delay of the food after the bell (ms).</summary>
    public double FoodDelayMs { get; init; } = 5;

    /// <summary>Interval between presentations (ms).</summary>
    public double TrialIntervalMs { get; init; } = 200;

    /// <summary>Initial bell → salivation weight (mV of current jump).</summary>
    public double InitialBellWeight { get; init; } = 4;

    /// <summary>Food → salivation weight (mV), strong enough to fire the output alone.</summary>
    public double FoodWeight { get; init; } = 12;

    /// <summary>Plasticity of the bell synapses (additive, w in [0, 12] mV, A+ = 1, A− = 1.05, τ± = 20 ms).</summary>
    public StdpRule Rule { get; init; } = new() { APlus = 1.0, AMinus = 1.05, WMin = 0, WMax = 12 };
}

/// <summary>Outcome of <see cref="PavlovExperiment.Run"/>.</summary>
/// <param name="Result">Spikes of the whole run (bell, food, salivation).</param>
/// <param name="OutputSpikesBellBefore">Output spikes in the 50 ms after the bell alone, before training.</param>
/// <param name="OutputSpikesBellAfter">Output spikes in the 50 ms after the bell alone, after training.</param>
/// <param name="WeightsMs">Times at which the mean bell weight was sampled (ms).</param>
/// <param name="MeanBellWeight">Mean bell → salivation weight at those times.</param>
/// <param name="SynapseCount">Number of synapses.</param>
/// <param name="BuildSeconds">Build time (s).</param>
/// <param name="BellTestTimesMs">Times of the two bell-alone tests (ms).</param>
public sealed record PavlovResult(SimulationResult Result, int OutputSpikesBellBefore, int OutputSpikesBellAfter, IReadOnlyList<double> WeightsMs, IReadOnlyList<double> MeanBellWeight, long SynapseCount, double BuildSeconds, IReadOnlyList<double> BellTestTimesMs);

/// <summary>
/// The slides' Pavlov example: a "salivation" neuron is driven by "food" inputs; "bell" inputs are too weak to fire it.
/// When the bell repeatedly precedes the food, the bell spikes precede the output spikes, STDP potentiates the bell
/// synapses, and afterwards the bell alone fires the output (classical conditioning).
/// </summary>
/// <remarks>
/// Protocol: bell alone at 50 ms (test before), <see cref="PavlovOptions.Pairings"/> presentations of bell then food
/// (food <see cref="PavlovOptions.FoodDelayMs"/> later; each input neuron fires once with 0–1 ms jitter), then bell alone
/// again (test after). Output: <see cref="LifExpPopulation"/> with E_L = −65, threshold −50, reset −65 mV, τ_m = 20,
/// τ_e = 5 ms, refractory 2 ms.
/// </remarks>
public static class PavlovExperiment
{
    /// <summary>Runs the example.</summary>
    /// <param name="options">Settings.</param>
    /// <returns>Spikes, test outcomes and the weight history.</returns>
    public static PavlovResult Run(PavlovOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var rng = new Numerics.RandomStreams(options.Seed).For(Numerics.StreamPurpose.Model, 0);
        int n = options.InputSize;
        var bell = new List<(int, double)>();
        var food = new List<(int, double)>();
        double testBefore = 50;
        double first = 250;
        for (int i = 0; i < n; i++)
        {
            bell.Add((i, testBefore + rng.NextDouble()));
        }

        for (int k = 0; k < options.Pairings; k++)
        {
            double t0 = first + k * options.TrialIntervalMs;
            for (int i = 0; i < n; i++)
            {
                bell.Add((i, t0 + rng.NextDouble()));
                food.Add((i, t0 + options.FoodDelayMs + rng.NextDouble()));
            }
        }

        double testAfter = first + options.Pairings * options.TrialIntervalMs + options.TrialIntervalMs;
        for (int i = 0; i < n; i++)
        {
            bell.Add((i, testAfter + rng.NextDouble()));
        }

        double duration = testAfter + 100;
        var net = new Network(0.1);
        var bellPop = net.Add(new SpikeSourcePopulation("bell", n, bell));
        var foodPop = net.Add(new SpikeSourcePopulation("food", n, food));
        var output = net.Add(new LifExpPopulation("salivation", 1)
        {
            RestPotential = -65,
            Threshold = -50,
            Reset = -65,
            TauM = 20,
            TauE = 5,
            TauI = 10,
            RefractoryMs = 2,
            InitialV = InitialValue.Constant(-65),
        });
        net.Connect(foodPop, output, "e", new ConnectionSpec(new ConnectionRule.AllToAll(), ValueSpec.Constant(options.FoodWeight), ValueSpec.Constant(0)));
        Projection plastic = net.Connect(bellPop, output, "e", new ConnectionSpec(new ConnectionRule.AllToAll(), ValueSpec.Constant(options.InitialBellWeight), ValueSpec.Constant(0)), options.Rule);
        var clock = Stopwatch.StartNew();
        net.Build(options.Seed);
        double build = clock.Elapsed.TotalSeconds;
        var times = new List<double>();
        var weights = new List<double>();
        SimulationResult result = net.Run(duration, new RunOptions
        {
            Seed = options.Seed,
            AfterStep = step =>
            {
                if (step % 50 == 0)
                {
                    times.Add(step * net.Dt);
                    weights.Add(plastic.PlasticWeights!.Average());
                }
            },
        });
        int outIndex = output.Offset;
        int CountAfter(double t) => Count(result, outIndex, t, t + 50);
        return new PavlovResult(result, CountAfter(testBefore), CountAfter(testAfter), times, weights, net.SynapseCount, build, [testBefore, testAfter]);
    }

    private static int Count(SimulationResult result, int neuron, double fromMs, double toMs)
    {
        int c = 0;
        ReadOnlySpan<int> steps = result.SpikeSteps, neurons = result.SpikeNeurons;
        for (int k = 0; k < steps.Length; k++)
        {
            double t = steps[k] * result.Dt;
            if (neurons[k] == neuron && t >= fromMs && t < toMs)
            {
                c++;
            }
        }

        return c;
    }
}
