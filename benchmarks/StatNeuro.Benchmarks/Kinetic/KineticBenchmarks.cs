using BenchmarkDotNet.Attributes;
using StatNeuro.Data;
using StatNeuro.Inference;
using StatNeuro.Ising;
using StatNeuro.Numerics;

namespace StatNeuro.Benchmarks.Kinetic;

/// <summary>
/// Questions: (1) does exact kinetic ML on the full retina raster (50 cells, 283 041 bins, 297 repeats) converge in
/// under 10 s on 2 cores? (also: the planted N = 20, T = 10^5 fit) (2) does parallel Glauber reach 10^7 neuron-updates per second at N = 100 (one invocation =
/// 10^5 steps = 10^7 updates)?
/// </summary>
[MemoryDiagnoser]
public class KineticBenchmarks
{
    private SpinRaster? _retina;
    private KineticIsingModel? _planted;
    private SpinRaster? _planted20;

    [GlobalSetup]
    public void Setup()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string p = Path.Combine(dir, "..", "shared", "data", "retina_tkacik2014", "original_data_num_neurons_50_1.mat");
            if (File.Exists(p))
            {
                _retina = RasterFile.Read(p).WithSegmentLength(953);
                break;
            }
        }

        _planted = KineticIsingModel.Planted(100, 1.0, 0.3, new RandomStreams(1));
        KineticIsingModel truth20 = KineticIsingModel.Planted(20, 1.0, 0.3, new RandomStreams(1));
        _planted20 = GlauberDynamics.Parallel(truth20, 100_000, new RandomStreams(1), 0, burnIn: 100);
    }

    [Benchmark]
    public double RetinaMaximumLikelihood() =>
        _retina is null ? 0 : KineticIsingLearning.MaximumLikelihood(_retina, new KineticLearningSettings { MaxThreads = 2 }).Notes["log_likelihood"];

    [Benchmark]
    public double PlantedN20T1e5MaximumLikelihood() =>
        KineticIsingLearning.MaximumLikelihood(_planted20!, new KineticLearningSettings { SelfCouplings = false, MaxThreads = 2 }).Notes["gradient_norm"];

    [Benchmark]
    public int GlauberN100Steps1e5() => GlauberDynamics.Parallel(_planted!, 100_000, new RandomStreams(2)).TimeBins;
}
