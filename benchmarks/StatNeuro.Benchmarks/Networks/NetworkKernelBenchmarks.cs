using BenchmarkDotNet.Attributes;
using StatNeuro.Networks;
using StatNeuro.Numerics;

namespace StatNeuro.Benchmarks.Networks;

/// <summary>
/// Question: what do the hot kernels of the CUBA-40k benchmark cost per step? (1) the exact-propagator update of
/// 40 000 <c>iaf_psc_exp</c> neurons (v, I_e, I_i, refractory test, threshold, reset), (2) the delivery of one step's
/// spikes (22, the mean of CUBA-40k at 5.6 Hz) through the CSR rows (≈ 80 synapses each), (3) the whole loop with
/// 1 or 2 threads, 100 steps (10 ms) of the built network.
/// </summary>
/// <remarks>Run: <c>dotnet run -c Release --project benchmarks/StatNeuro.Benchmarks -- --filter '*NetworkKernel*'</c>.</remarks>
[MemoryDiagnoser]
public class NetworkKernelBenchmarks
{
    private const int Steps = 100;
    private LifExpPopulation _pop = null!;
    private int[] _spikeBuffer = [];
    private long _step;
    private Network _net = null!;
    private Projection _exc = null!;
    private int[] _spikes = [];

    /// <summary>Worker threads of the whole-loop benchmark.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds a 40 000-neuron LIF population and the CUBA-40k network.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var streams = new RandomStreams(1);
        _pop = new LifExpPopulation("exc", 40_000);
        _pop.ReceptorUsed = [true, true, false];
        _pop.Allocate(1, streams);
        _pop.Initialize(streams, 0.1);
        _spikeBuffer = new int[_pop.Size];
        _net = BuiltinModels.Cuba(40_000, 0.002);
        _net.Build(1, 1);
        _net.Run(1, new RunOptions { Seed = 1 }); // allocates the ring buffers and the direct-input flags
        _exc = _net.Projections[0];
        var rng = streams.For(StreamPurpose.Other);
        _spikes = [.. Enumerable.Range(0, 22).Select(_ => rng.NextInt(_exc.Source.Size)).Distinct().Order()];
    }

    /// <summary>Update + threshold of 40 000 LIF neurons, per step.</summary>
    /// <returns>Spike count.</returns>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int LifExpUpdate40k()
    {
        int spikes = 0;
        for (int k = 0; k < Steps; k++)
        {
            spikes += _pop.Step(0, _pop.Size, _step++, _spikeBuffer);
        }

        return spikes;
    }

    /// <summary>Delivery of 22 spikes through the exc→exc CSR rows, per step.</summary>
    [Benchmark(OperationsPerInvoke = Steps)]
    public void Deliver22Spikes()
    {
        for (int k = 0; k < Steps; k++)
        {
            _exc.Deliver(_spikes, k, 0, _exc.Target.Size);
        }
    }

    /// <summary>The whole CUBA-40k loop (fused update and delivery), 100 steps, per step.</summary>
    /// <returns>Spike count.</returns>
    [Benchmark(OperationsPerInvoke = Steps)]
    public int Cuba40kLoop() => _net.Run(Steps * 0.1, new RunOptions { Seed = 1, Threads = Threads }).SpikeSteps.Length;
}
