using StatNeuro.Numerics;

namespace StatNeuro.Networks;

/// <summary>Name and global index range of a population.</summary>
/// <param name="Name">Population name.</param>
/// <param name="Offset">Global index of its first neuron.</param>
/// <param name="Size">Number of neurons.</param>
public sealed record PopulationInfo(string Name, int Offset, int Size);

/// <summary>Recorded values of one state variable.</summary>
/// <param name="Population">Population name.</param>
/// <param name="Variable">Variable name.</param>
/// <param name="Neurons">Local indices of the recorded neurons.</param>
/// <param name="TimesMs">Sample times (ms; the start of the sampled step).</param>
/// <param name="Values">Values[sample][k] for neuron Neurons[k].</param>
public sealed record StateTrace(string Population, string Variable, IReadOnlyList<int> Neurons, IReadOnlyList<double> TimesMs, IReadOnlyList<double[]> Values);

/// <summary>The immutable outcome of a run: spikes (step, global neuron), per-step population counts, state traces.</summary>
public sealed class SimulationResult
{
    private readonly int[] _steps;
    private readonly int[] _neurons;
    private readonly int[][] _counts;

    internal SimulationResult(double dt, int stepCount, PopulationInfo[] populations, int[] steps, int[] neurons, int[][] counts, StateTrace[] traces, double runSeconds, double runCpuSeconds)
    {
        Dt = dt;
        StepCount = stepCount;
        Populations = populations;
        _steps = steps;
        _neurons = neurons;
        _counts = counts;
        States = traces;
        RunSeconds = runSeconds;
        RunCpuSeconds = runCpuSeconds;
    }

    /// <summary>Step (ms).</summary>
    public double Dt { get; }

    /// <summary>Number of steps run.</summary>
    public int StepCount { get; }

    /// <summary>Duration (ms).</summary>
    public double DurationMs => StepCount * Dt;

    /// <summary>Populations in network order.</summary>
    public IReadOnlyList<PopulationInfo> Populations { get; }

    /// <summary>Total number of neurons.</summary>
    public int NeuronCount => Populations.Sum(p => p.Size);

    /// <summary>Step of every recorded spike (time = step · dt, the start of the step), in time order.</summary>
    public ReadOnlySpan<int> SpikeSteps => _steps;

    /// <summary>Global neuron index of every recorded spike.</summary>
    public ReadOnlySpan<int> SpikeNeurons => _neurons;

    /// <summary>Number of recorded spikes.</summary>
    public int SpikeCount => _steps.Length;

    /// <summary>Recorded state variables.</summary>
    public IReadOnlyList<StateTrace> States { get; }

    /// <summary>Wall seconds of the simulation loop.</summary>
    public double RunSeconds { get; }

    /// <summary>CPU seconds of the process (all threads) during the simulation loop.</summary>
    public double RunCpuSeconds { get; }

    /// <summary>Spike count of population <paramref name="population"/> in every step (always recorded).</summary>
    /// <param name="population">Population index.</param>
    /// <returns>Counts per step.</returns>
    public ReadOnlySpan<int> StepCounts(int population) => _counts[population];

    /// <summary>Population rate in Hz in bins of <paramref name="binMs"/> (all populations together, or one).</summary>
    /// <param name="binMs">Bin width (ms).</param>
    /// <param name="population">Population index, or −1 for all.</param>
    /// <returns>Rates per bin.</returns>
    public double[] PopulationRate(double binMs, int population = -1)
    {
        int per = Math.Max(1, (int)Math.Round(binMs / Dt));
        int bins = StepCount / per;
        var rate = new double[bins];
        double n = population < 0 ? NeuronCount : Populations[population].Size;
        for (int p = 0; p < _counts.Length; p++)
        {
            if (population >= 0 && p != population)
            {
                continue;
            }

            for (int b = 0; b < bins; b++)
            {
                long c = 0;
                for (int s = b * per; s < (b + 1) * per; s++)
                {
                    c += _counts[p][s];
                }

                rate[b] += c;
            }
        }

        for (int b = 0; b < bins; b++)
        {
            rate[b] /= n * per * Dt * 1e-3;
        }

        return rate;
    }

    /// <summary>Spike times (ms) of every neuron, indexed by global neuron index.</summary>
    /// <returns>One array per neuron.</returns>
    public double[][] SpikeTrains()
    {
        int n = NeuronCount;
        int[] count = new int[n];
        foreach (int i in _neurons)
        {
            count[i]++;
        }

        var trains = new double[n][];
        for (int i = 0; i < n; i++)
        {
            trains[i] = new double[count[i]];
        }

        Array.Clear(count);
        for (int k = 0; k < _steps.Length; k++)
        {
            int i = _neurons[k];
            trains[i][count[i]++] = _steps[k] * Dt;
        }

        return trains;
    }

    /// <summary>Mean rate (Hz) over all neurons (or the neurons of one population) and the whole run.</summary>
    /// <param name="population">Population index, or −1 for all.</param>
    /// <returns>Spikes / (neurons · duration).</returns>
    public double MeanRateHz(int population = -1)
    {
        long spikes = 0;
        for (int p = 0; p < _counts.Length; p++)
        {
            if (population < 0 || p == population)
            {
                foreach (int c in _counts[p])
                {
                    spikes += c;
                }
            }
        }

        double n = population < 0 ? NeuronCount : Populations[population].Size;
        return spikes / (n * DurationMs * 1e-3);
    }

    /// <summary>Mean ISI coefficient of variation over neurons with at least 3 spikes (NaN if none).</summary>
    /// <returns>Mean CV.</returns>
    public double MeanIsiCv()
    {
        double sum = 0;
        int n = 0;
        foreach (double[] train in SpikeTrains())
        {
            if (train.Length >= 3)
            {
                sum += Statistics.IsiCv(train);
                n++;
            }
        }

        return n == 0 ? double.NaN : sum / n;
    }

    /// <summary>Mean Fano factor of spike counts in windows of <paramref name="windowMs"/>, over neurons that fired.</summary>
    /// <param name="windowMs">Counting window (ms).</param>
    /// <returns>Mean variance/mean of the counts (NaN if no neuron fired).</returns>
    public double MeanFano(double windowMs = 100)
    {
        int windows = (int)(DurationMs / windowMs);
        if (windows < 2)
        {
            return double.NaN;
        }

        double sum = 0;
        int used = 0;
        var c = new double[windows];
        foreach (double[] train in SpikeTrains())
        {
            if (train.Length == 0)
            {
                continue;
            }

            Array.Clear(c);
            foreach (double t in train)
            {
                int w = (int)(t / windowMs);
                if (w < windows)
                {
                    c[w]++;
                }
            }

            double mean = Statistics.Mean(c);
            if (mean > 0)
            {
                sum += Statistics.Variance(c) / mean;
                used++;
            }
        }

        return used == 0 ? double.NaN : sum / used;
    }

    /// <summary>
    /// Synchrony χ (Golomb 2007): sqrt(Var(population rate) / mean over neurons of Var(single-neuron rate)), from
    /// spike counts in bins of <paramref name="binMs"/>; 0 for independent neurons (large N), 1 for full synchrony.
    /// </summary>
    /// <param name="binMs">Bin (ms).</param>
    /// <returns>χ, or NaN without spikes.</returns>
    public double Synchrony(double binMs = 1)
    {
        int per = Math.Max(1, (int)Math.Round(binMs / Dt));
        int bins = StepCount / per;
        int n = NeuronCount;
        if (bins < 2 || SpikeCount == 0)
        {
            return double.NaN;
        }

        var pop = new double[bins];
        double[] sumSq = new double[n];
        double[] sum = new double[n];
        var last = new int[n];
        var cur = new int[n];
        Array.Fill(last, -1);
        for (int k = 0; k < _steps.Length; k++)
        {
            int b = _steps[k] / per;
            if (b >= bins)
            {
                continue;
            }

            pop[b] += 1.0 / n;
            int i = _neurons[k];
            if (last[i] != b)
            {
                if (last[i] >= 0)
                {
                    sum[i] += cur[i];
                    sumSq[i] += (double)cur[i] * cur[i];
                }

                last[i] = b;
                cur[i] = 0;
            }

            cur[i]++;
        }

        double single = 0;
        for (int i = 0; i < n; i++)
        {
            if (last[i] >= 0)
            {
                sum[i] += cur[i];
                sumSq[i] += (double)cur[i] * cur[i];
            }

            double m = sum[i] / bins;
            single += sumSq[i] / bins - m * m;
        }

        single /= n;
        double popVar = Statistics.Variance(pop) * (bins - 1) / bins;
        return single > 0 ? Math.Sqrt(popVar / single) : double.NaN;
    }

    /// <summary>Binary raster (neurons × bins): 1 where a neuron fired at least once in the bin (for the inference tools).</summary>
    /// <param name="binMs">Bin (ms).</param>
    /// <param name="neurons">Global indices of the neurons to include, or null for all.</param>
    /// <returns>raster[neuron][bin] in {0, 1}.</returns>
    public byte[][] BinaryRaster(double binMs, IReadOnlyList<int>? neurons = null)
    {
        int per = Math.Max(1, (int)Math.Round(binMs / Dt));
        int bins = StepCount / per;
        int n = NeuronCount;
        int[] row = Enumerable.Repeat(-1, n).ToArray();
        IReadOnlyList<int> chosen = neurons ?? Enumerable.Range(0, n).ToArray();
        for (int r = 0; r < chosen.Count; r++)
        {
            row[chosen[r]] = r;
        }

        var raster = new byte[chosen.Count][];
        for (int r = 0; r < raster.Length; r++)
        {
            raster[r] = new byte[bins];
        }

        for (int k = 0; k < _steps.Length; k++)
        {
            int b = _steps[k] / per;
            int r = row[_neurons[k]];
            if (r >= 0 && b < bins)
            {
                raster[r][b] = 1;
            }
        }

        return raster;
    }
}
