using BenchmarkDotNet.Attributes;
using StatNeuro.Neurons;

namespace StatNeuro.Benchmarks.Neurons;

/// <summary>
/// Question: how fast is one Hodgkin–Huxley neuron, 1 s of biological time at dt = 0.01 ms (100 000 steps, I = 10
/// µA/cm², spikes only), per method? Same workload as Brian2's single-neuron anchor (hh_brian2.py timing).
/// </summary>
[MemoryDiagnoser]
public class HodgkinHuxleyBenchmarks
{
    private readonly HodgkinHuxley _model = new(new HodgkinHuxleyParameters());

    [Params(NeuronMethod.ExponentialEuler, NeuronMethod.RungeKutta4)]
    public NeuronMethod Method { get; set; }

    [Benchmark]
    public int OneSecondAtTenMicroseconds() =>
        NeuronSimulation.Run(_model, new ConstantCurrent(10), new NeuronSimulationSettings { DurationMs = 1000, StepMs = 0.01, Method = Method, RecordEvery = 0 }).SpikeTimes.Length;
}

/// <summary>
/// Question: how fast is the exact-propagator update of a population of LIF neurons (V ← V∞ + (V − V∞) e^{−h/τ},
/// threshold, reset), scalar loop vs one fused Vector<double> pass, per neuron-step?
/// </summary>
[MemoryDiagnoser]
public class LifPopulationBenchmarks
{
    private double[] _v = [];
    private double[] _drive = [];
    private double[] _scratch = [];

    [Params(4_000, 100_000)]
    public int Neurons { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var rng = new StatNeuro.Numerics.RandomStreams(1).For(StatNeuro.Numerics.StreamPurpose.InitialState);
        _v = new double[Neurons];
        _drive = new double[Neurons];
        _scratch = new double[Neurons];
        for (int i = 0; i < Neurons; i++)
        {
            _v[i] = rng.NextUniform(-70, -40);
            _drive[i] = rng.NextUniform(-65, -30);
        }
    }

    [Benchmark(Baseline = true)]
    public int Scalar() => LifPopulationKernel.StepScalar(_v, _drive, Math.Exp(-0.1 / 10), -40, -70);

    [Benchmark]
    public int Simd() => LifPopulationKernel.Step(_v, _drive, Math.Exp(-0.1 / 10), -40, -70);
}
