using BenchmarkDotNet.Attributes;
using StatNeuro.MeanField;
using StatNeuro.Numerics;

namespace StatNeuro.Benchmarks.MeanField;

/// <summary>
/// Question: how many Siegert rates per second on one core over the acceptance grid (mu in [-10, 40] mV,
/// sigma in [0.5, 10] mV)? Target: at least 10^6 per second. Each invocation evaluates the whole 51 x 20 grid.
/// </summary>
[MemoryDiagnoser]
public class SiegertBenchmarks
{
    private const int MuPoints = 51;
    private const int SigmaPoints = 20;
    private double[] _mu = [];
    private double[] _sigma = [];

    [GlobalSetup]
    public void Setup()
    {
        _mu = new double[MuPoints * SigmaPoints];
        _sigma = new double[MuPoints * SigmaPoints];
        for (int i = 0; i < MuPoints; i++)
        {
            for (int j = 0; j < SigmaPoints; j++)
            {
                _mu[(i * SigmaPoints) + j] = -10 + i;
                _sigma[(i * SigmaPoints) + j] = 0.5 + (j * 0.5);
            }
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = MuPoints * SigmaPoints)]
    public double LogRateGrid()
    {
        double sum = 0;
        for (int k = 0; k < _mu.Length; k++)
        {
            sum += Siegert.LogRatePerMs(_mu[k], _sigma[k], 20, 20, 10, 2);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = MuPoints * SigmaPoints)]
    public double RateAndDerivativesGrid()
    {
        var neuron = new DiffusionLifParameters();
        double sum = 0;
        for (int k = 0; k < _mu.Length; k++)
        {
            sum += Siegert.Evaluate(_mu[k], _sigma[k], neuron).DRateDMu;
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = MuPoints * SigmaPoints)]
    public double ErfcxGrid()
    {
        double sum = 0;
        for (int k = 0; k < _mu.Length; k++)
        {
            sum += ErrorFunctions.Erfcx(_sigma[k] + (0.1 * _mu[k]));
        }

        return sum;
    }
}
