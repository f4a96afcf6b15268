using BenchmarkDotNet.Attributes;
using StatNeuro.RateNetworks;

namespace StatNeuro.Benchmarks.RateNetworks;

/// <summary>Issue 9 speed targets: one RK4 step at N = 4000 (&lt; 10 ms on 2 cores) and a 40-point DMFT sweep (&lt; 10 s).</summary>
[MemoryDiagnoser]
public class RateNetworkBenchmarks
{
    private RateIntegrator _integrator = null!;
    private RateIntegrator _tangent = null!;

    [Params(4000)]
    public int N { get; set; }

    /// <summary>Mat-vec kernel: "Best" (AVX-512/AVX2 FMA tiles) or "Portable" (the Vector&lt;T&gt; baseline).</summary>
    [Params("Best", "Portable")]
    public string Kernel { get; set; } = "Best";

    [GlobalSetup]
    public void Setup()
    {
        var net = RateNetwork.Create(N, 2.0, 0.0, RateActivation.Tanh, 1);
        net.KernelPath = Kernel == "Portable" ? MatVecPath.Portable : MatVecKernel.Best;
        _integrator = new RateIntegrator(net, 0, 0, 1);
        _tangent = new RateIntegrator(net, 1, 0, 1);
        var rng = new StatNeuro.Numerics.RandomGenerator(2);
        for (int i = 0; i < N; i++)
        {
            _integrator.X[i] = rng.NextNormal();
            _tangent.X[i] = _integrator.X[i];
        }

        _tangent.InitialiseTangents();
    }

    /// <summary>One classical RK4 step of x (4 mat-vecs).</summary>
    [Benchmark]
    public void Rk4Step() => _integrator.Step(0.1);

    /// <summary>One RK4 step of x and one tangent vector (4 fused two-vector mat-vecs), as in Benettin's method.</summary>
    [Benchmark]
    public void Rk4StepWithTangent() => _tangent.Step(0.1);

    /// <summary>40-point DMFT sweep (independent of <see cref="Kernel"/>) over g ∈ [1.05, 3.975] (Δ0, Δ(τ), λ_max each), sequential.</summary>
    [Benchmark]
    public double DmftSweep40()
    {
        double s = 0;
        for (int k = 0; k < 40; k++)
        {
            s += ScsDmft.Solve(1.05 + 0.075 * k).LambdaMax;
        }

        return s;
    }
}
