using System.Diagnostics;
using System.Runtime.CompilerServices;
using StatNeuro.Numerics;
using StatNeuro.Plasticity;

namespace StatNeuro.Networks;

/// <summary>What to record during <see cref="Network.Run"/>.</summary>
public sealed record RunOptions
{
    /// <summary>Random seed of the initial state and of the external drive.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Worker threads; the spikes do not depend on it.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Populations whose spikes are recorded (null: all).</summary>
    public IReadOnlyList<string>? RecordSpikesOf { get; init; }

    /// <summary>State monitors.</summary>
    public IReadOnlyList<StateMonitorSpec> StateMonitors { get; init; } = [];

    /// <summary>Called after every step with the step index (for custom monitors such as plastic weights), or null.</summary>
    public Action<long>? AfterStep { get; init; }
}

/// <summary>
/// Records a state variable of some neurons every <paramref name="Every"/> steps, at the start of the step: the value is the
/// left limit x(t_n−), before the jumps that arrive at t_n (they are applied in the update of step n).
/// </summary>
/// <param name="Population">Population name.</param>
/// <param name="Variable">Variable name.</param>
/// <param name="Neurons">Local neuron indices.</param>
/// <param name="Every">Sampling period in steps (≥ 1).</param>
public sealed record StateMonitorSpec(string Population, string Variable, IReadOnlyList<int> Neurons, int Every = 1);

/// <summary>
/// A spiking network: populations, projections, a fixed step h and an integer step counter.
/// </summary>
/// <remarks>
/// <para>Phase order of step n (time t_n = n h), chosen to reproduce Brian2's schedule
/// update → thresholds → synapses → resets with the spike stamped at the step start:</para>
/// <list type="number">
/// <item>Update, per neuron, in fixed chunks (in parallel): the ring-buffer slot n − 1 (jumps that Brian2 applies at
/// the end of step n − 1, including the external drive drawn for step n − 1) is added — dropped for clamped variables
/// of neurons that were refractory at step n − 1 — and the state is advanced from t_n to t_{n+1} by the model's
/// propagator (held while refractory).</item>
/// <item>Threshold, in the same pass: a spike is stamped with step n (time t_n, Brian2's convention) and the neuron
/// becomes refractory; the reset is applied at once. That equals Brian2's later reset because every jump that Brian2
/// would add to v between its threshold and its reset is dropped (the neuron is refractory) or overwritten.</item>
/// <item>Synapses: the spikes of step n are scattered into slot (n + d) mod L of the targets' ring buffers (delay d steps,
/// L = max delay + 1). Delivery runs in parallel over fixed target ranges, so each target receives its jumps in the
/// same order for any thread count. Plastic projections then apply STDP (arrivals first, then postsynaptic spikes).</item>
/// </list>
/// <para>Consequently a spike with delay 0 changes the target from step n + 1 on, and with delay d from step n + d + 1
/// on, exactly as in Brian2. Random numbers come from per-neuron streams, so results do not depend on threads.</para>
/// </remarks>
public sealed class Network
{
    private const int ChunkSize = 1024;
    private readonly List<Population> _populations = [];
    private readonly List<Projection> _projections = [];
    private bool _built;

    /// <summary>Creates an empty network.</summary>
    /// <param name="dt">Step h in ms (default 0.1).</param>
    public Network(double dt = 0.1)
    {
        if (!(dt > 0) || !double.IsFinite(dt))
        {
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "Step must be positive.");
        }

        Dt = dt;
        MemoryLimitBytes = DefaultMemoryLimit();
    }

    /// <summary>Step h in ms.</summary>
    public double Dt { get; }

    /// <summary>Synaptic events per step below which delivery stays on one thread (it gives the same sums either way).</summary>
    public int ParallelDeliveryThreshold { get; set; } = 50_000;

    /// <summary>
    /// Work per step (Σ neurons × <see cref="Population.CostPerNeuron"/>) below which the update stays on one thread:
    /// small steps cost less than a thread barrier. The spikes are the same either way.
    /// </summary>
    public double ParallelUpdateThreshold { get; set; } = 16_000;

    /// <summary>Populations in order (global neuron numbering follows this order).</summary>
    public IReadOnlyList<Population> Populations => _populations;

    /// <summary>Projections in order.</summary>
    public IReadOnlyList<Projection> Projections => _projections;

    /// <summary>Total number of neurons.</summary>
    public int NeuronCount => _populations.Sum(p => p.Size);

    /// <summary>Total number of synapses (after <see cref="Build"/>).</summary>
    public long SynapseCount => _projections.Sum(p => (long)(p.Matrix?.Count ?? 0));

    /// <summary>Bytes used by all synapse matrices (after <see cref="Build"/>).</summary>
    public long SynapseBytes => _projections.Sum(p => p.Matrix?.Bytes ?? 0);

    /// <summary>Memory that a network may use; <see cref="Build"/> refuses networks whose estimate exceeds it.</summary>
    public long MemoryLimitBytes { get; set; }

    /// <summary>80 % of the memory available to this process.</summary>
    /// <returns>Bytes.</returns>
    public static long DefaultMemoryLimit() => (long)(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes * 0.8);

    /// <summary>Adds a population.</summary>
    /// <typeparam name="T">Population type.</typeparam>
    /// <param name="population">The population.</param>
    /// <returns>The same population.</returns>
    public T Add<T>(T population)
        where T : Population
    {
        ArgumentNullException.ThrowIfNull(population);
        if (_populations.Any(p => p.Name == population.Name))
        {
            throw new ArgumentException($"Population '{population.Name}' exists already.", nameof(population));
        }

        population.Offset = NeuronCount;
        _populations.Add(population);
        _built = false;
        return population;
    }

    /// <summary>Finds a population by name.</summary>
    /// <param name="name">Name.</param>
    /// <returns>The population, or null.</returns>
    public Population? Find(string name) => _populations.Find(p => p.Name == name);

    /// <summary>Connects two populations.</summary>
    /// <param name="source">Presynaptic population.</param>
    /// <param name="target">Postsynaptic population.</param>
    /// <param name="receptor">Receptor of the target (for example "e", "i" or "v").</param>
    /// <param name="spec">Pattern, weight and delay.</param>
    /// <param name="stdp">Plasticity, or null.</param>
    /// <returns>The projection.</returns>
    public Projection Connect(Population source, Population target, string receptor, ConnectionSpec spec, StdpRule? stdp = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(spec);
        int r = target.ReceptorIndex(receptor);
        if (r < 0)
        {
            throw new ArgumentException($"Population '{target.Name}' has no receptor '{receptor}' (it has: {string.Join(", ", target.Receptors)}).", nameof(receptor));
        }

        ValidateSpec(spec);
        stdp?.Validate();
        var projection = new Projection(_projections.Count, source, target, r, spec, stdp);
        _projections.Add(projection);
        _built = false;
        return projection;
    }

    private static void ValidateSpec(ConnectionSpec spec)
    {
        switch (spec.Rule)
        {
            case ConnectionRule.FixedProbability fp when !(fp.P >= 0 && fp.P <= 1):
                throw new ArgumentException($"Connection probability {fp.P} is outside [0, 1].");
            case ConnectionRule.FixedInDegree fi when fi.K < 0:
                throw new ArgumentException($"In-degree {fi.K} is negative.");
            case ConnectionRule.FixedOutDegree fo when fo.K < 0:
                throw new ArgumentException($"Out-degree {fo.K} is negative.");
            default:
                break;
        }

        if (spec.DelayMs.A < 0 || (spec.DelayMs.Kind == ValueDistribution.Uniform && spec.DelayMs.B < 0))
        {
            throw new ArgumentException($"Delay {spec.DelayMs.A} ms is negative.");
        }
    }

    /// <summary>Expected number of synapses of a projection (before building).</summary>
    /// <param name="projection">The projection.</param>
    /// <returns>Mean count (exact for deterministic rules).</returns>
    public static double ExpectedSynapses(Projection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        double pre = projection.Source.Size, post = projection.Target.Size;
        return projection.Spec.Rule switch
        {
            ConnectionRule.FixedProbability fp => pre * post * fp.P,
            ConnectionRule.FixedInDegree fi => post * fi.K,
            ConnectionRule.FixedOutDegree fo => pre * fo.K,
            ConnectionRule.AllToAll => pre * post,
            ConnectionRule.OneToOne => pre,
            ConnectionRule.ExplicitList list => list.Pairs.Count,
            _ => 0,
        };
    }

    /// <summary>Upper estimate of the bytes <see cref="Build"/> and <see cref="Run"/> allocate (synapses, build buffers, state, ring buffers).</summary>
    /// <returns>Bytes.</returns>
    public long EstimateBytes()
    {
        double bytes = 0;
        int maxDelaySteps = 0;
        foreach (Projection p in _projections)
        {
            double n = ExpectedSynapses(p);
            n += 6 * Math.Sqrt(n) + 64;
            double perSynapse = SynapseMatrix.BytesPerSynapse(p.Spec.Weight.IsConstant);
            if (!p.Spec.DelayMs.IsConstant)
            {
                perSynapse += 4 + 8 + 6; // per-synapse delay during the build, sort keys, buckets
            }

            if (p.Spec.Rule is ConnectionRule.FixedInDegree)
            {
                perSynapse += 4; // candidate lists during the build
            }

            if (p.Stdp is not null)
            {
                perSynapse += 16; // plastic weight copy and reverse index
            }

            bytes += n * perSynapse + 8.0 * (p.Source.Size + 1);
            double maxDelay = p.Spec.DelayMs.Kind switch
            {
                ValueDistribution.Uniform => Math.Max(p.Spec.DelayMs.A, p.Spec.DelayMs.B),
                ValueDistribution.Normal => p.Spec.DelayMs.A + 6 * p.Spec.DelayMs.B,
                _ => p.Spec.DelayMs.A,
            };
            maxDelaySteps = Math.Max(maxDelaySteps, (int)Math.Round(maxDelay / Dt));
        }

        foreach (Population pop in _populations)
        {
            bytes += pop.Size * (8.0 * (pop.VariableNames.Count + 2) + 8.0 * pop.Receptors.Count * (maxDelaySteps + 1) + 48 + 4);
        }

        return (long)Math.Min(bytes, long.MaxValue / 2);
    }

    /// <summary>Draws the connectivity. Refuses (before allocating) networks whose estimate exceeds <see cref="MemoryLimitBytes"/>.</summary>
    /// <param name="seed">Seed of the connectivity streams.</param>
    /// <param name="threads">Worker threads (the result does not depend on it).</param>
    /// <exception cref="NetworkTooLargeException">The estimate exceeds the limit.</exception>
    public void Build(ulong seed, int threads = 1)
    {
        long need = EstimateBytes();
        if (need > MemoryLimitBytes)
        {
            double expected = _projections.Sum(ExpectedSynapses);
            throw new NetworkTooLargeException(
                $"The network needs about {need / 1073741824.0:F1} GiB ({NeuronCount} neurons, {expected:G3} synapses) but the limit is {MemoryLimitBytes / 1073741824.0:F1} GiB; use fewer synapses or constant weights, or raise the limit.");
        }

        var streams = new RandomStreams(seed);
        foreach (Projection p in _projections)
        {
            p.Build(Dt, streams, Math.Max(1, threads));
        }

        _built = true;
    }

    /// <summary>Runs from the initial state for <paramref name="durationMs"/> (rounded to steps).</summary>
    /// <param name="durationMs">Duration in ms.</param>
    /// <param name="options">Seed, threads and monitors.</param>
    /// <returns>Spikes, rates and recorded states.</returns>
    public SimulationResult Run(double durationMs, RunOptions? options = null)
    {
        options ??= new RunOptions();
        if (!_built)
        {
            Build(options.Seed, options.Threads);
        }

        long steps = (long)Math.Round(durationMs / Dt);
        if (steps < 0 || steps > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(durationMs), durationMs, "Duration must be >= 0 and at most 2^31 steps.");
        }

        int threads = Math.Max(1, options.Threads);
        var streams = new RandomStreams(options.Seed);
        int maxDelay = _projections.Count == 0 ? 0 : _projections.Max(p => p.Matrix!.MaxDelay);
        foreach (Population pop in _populations)
        {
            pop.ReceptorUsed = new bool[pop.Receptors.Count];
            if (pop.Drive is not null)
            {
                pop.ReceptorUsed[pop.Drive.Receptor] = true;
            }
        }

        foreach (Projection p in _projections)
        {
            p.Target.ReceptorUsed[p.Receptor] = true;
        }

        foreach (Population pop in _populations)
        {
            pop.Allocate(maxDelay + 1, streams);
            pop.Initialize(streams, Dt);
            pop.Drive?.Prepare(Dt);
        }

        foreach (Projection p in _projections)
        {
            p.ResetPlasticState();
        }

        var spikeRecorder = new SpikeRecorder();
        bool[] recordSpikes = _populations.Select(p => options.RecordSpikesOf is null || options.RecordSpikesOf.Contains(p.Name)).ToArray();
        var monitors = options.StateMonitors.Select(spec => new StateRecorder(spec, Find(spec.Population)
            ?? throw new ArgumentException($"State monitor: no population '{spec.Population}'."), (int)steps, Dt)).ToList();
        int[][] counts = _populations.Select(_ => new int[steps]).ToArray();

        // Fixed chunks, independent of the thread count.
        var chunks = new List<(int Pop, int Lo, int Hi)>();
        for (int p = 0; p < _populations.Count; p++)
        {
            Population pop = _populations[p];
            int chunk = pop is SpikeSourcePopulation ? pop.Size : ChunkSize;
            for (int lo = 0; lo < pop.Size; lo += chunk)
            {
                chunks.Add((p, lo, Math.Min(pop.Size, lo + chunk)));
            }
        }

        bool fused = options.StateMonitors.Count == 0 && options.AfterStep is null && _projections.All(p => p.Stdp is null);
        int workers = threads == 1 || _populations.Sum(p => p.Size * p.CostPerNeuron) < ParallelUpdateThreshold ? 1 : threads;
        if (fused)
        {
            var stepper = new FusedStepper(_populations, _projections, workers);
            TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var clock0 = Stopwatch.StartNew();
            stepper.Run(
                steps,
                [MethodImpl(MethodImplOptions.AggressiveOptimization)] (step, p, local) =>
                {
                    if (recordSpikes[p])
                    {
                        spikeRecorder.Add((int)step, _populations[p].Offset, local);
                    }
                },
                counts);
            return new SimulationResult(
                Dt,
                (int)steps,
                _populations.Select(p => new PopulationInfo(p.Name, p.Offset, p.Size)).ToArray(),
                spikeRecorder.Steps(),
                spikeRecorder.Neurons(),
                counts,
                [],
                clock0.Elapsed.TotalSeconds,
                (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds);
        }

        int[][] spikeBuffers = _populations.Select(p => new int[p.Size]).ToArray();
        int[] spikeCounts = new int[_populations.Count];
        int[] chunkCounts = new int[chunks.Count];
        var options1 = new ParallelOptions { MaxDegreeOfParallelism = threads };
        bool serialUpdate = threads == 1 || chunks.Count == 1 || _populations.Sum(p => p.Size * p.CostPerNeuron) < ParallelUpdateThreshold;
        TimeSpan cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (long step = 0; step < steps; step++)
        {
            foreach (StateRecorder monitor in monitors)
            {
                monitor.Sample(step);
            }

            // 1-2. Update, threshold, reset.
            if (serialUpdate)
            {
                Array.Clear(spikeCounts);
                for (int c = 0; c < chunks.Count; c++)
                {
                    (int p, int lo, int hi) = chunks[c];
                    Population pop = _populations[p];
                    pop.ApplyDrive(lo, hi, step);
                    spikeCounts[p] += pop.Step(lo, hi, step, spikeBuffers[p].AsSpan(spikeCounts[p]));
                }
            }
            else
            {
                long s = step;
                Parallel.For(0, chunks.Count, options1, c =>
                {
                    (int p, int lo, int hi) = chunks[c];
                    Population pop = _populations[p];
                    pop.ApplyDrive(lo, hi, s);
                    chunkCounts[c] = pop.Step(lo, hi, s, spikeBuffers[p].AsSpan(lo));
                });
                Array.Clear(spikeCounts);
                for (int c = 0; c < chunks.Count; c++)
                {
                    (int p, int lo, _) = chunks[c];
                    int[] buffer = spikeBuffers[p];
                    if (spikeCounts[p] != lo)
                    {
                        Array.Copy(buffer, lo, buffer, spikeCounts[p], chunkCounts[c]);
                    }

                    spikeCounts[p] += chunkCounts[c];
                }
            }

            for (int p = 0; p < _populations.Count; p++)
            {
                counts[p][step] = spikeCounts[p];
                if (recordSpikes[p] && spikeCounts[p] > 0)
                {
                    spikeRecorder.Add((int)step, _populations[p].Offset, spikeBuffers[p].AsSpan(0, spikeCounts[p]));
                }
            }

            // 3. Synapses.
            Deliver(step, spikeBuffers, spikeCounts, threads, options1);
            options.AfterStep?.Invoke(step);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuStart).TotalSeconds;
        return new SimulationResult(
            Dt,
            (int)steps,
            _populations.Select(p => new PopulationInfo(p.Name, p.Offset, p.Size)).ToArray(),
            spikeRecorder.Steps(),
            spikeRecorder.Neurons(),
            counts,
            monitors.Select(m => m.ToTrace()).ToArray(),
            seconds,
            cpuSeconds);
    }

    private void Deliver(long step, int[][] spikeBuffers, int[] spikeCounts, int threads, ParallelOptions options)
    {
        long events = 0;
        foreach (Projection proj in _projections)
        {
            if (proj.Stdp is null)
            {
                int src = _populations.IndexOf(proj.Source);
                events += spikeCounts[src] * (long)(proj.Matrix!.Count / Math.Max(1, proj.Source.Size) + 1);
            }
        }

        if (events > 0)
        {
            if (threads == 1 || events < ParallelDeliveryThreshold)
            {
                foreach (Projection proj in _projections)
                {
                    if (proj.Stdp is null)
                    {
                        int src = _populations.IndexOf(proj.Source);
                        proj.Deliver(spikeBuffers[src].AsSpan(0, spikeCounts[src]), step, 0, proj.Target.Size);
                    }
                }
            }
            else
            {
                Parallel.For(0, threads, options, t =>
                {
                    foreach (Projection proj in _projections)
                    {
                        if (proj.Stdp is null)
                        {
                            int src = _populations.IndexOf(proj.Source);
                            int n = proj.Target.Size;
                            int lo = (int)((long)n * t / threads), hi = (int)((long)n * (t + 1) / threads);
                            proj.Deliver(spikeBuffers[src].AsSpan(0, spikeCounts[src]), step, lo, hi);
                        }
                    }
                });
            }
        }

        foreach (Projection proj in _projections)
        {
            if (proj.Stdp is not null)
            {
                int src = _populations.IndexOf(proj.Source), tgt = _populations.IndexOf(proj.Target);
                proj.DeliverPlastic(spikeBuffers[src].AsSpan(0, spikeCounts[src]), spikeBuffers[tgt].AsSpan(0, spikeCounts[tgt]), step, Dt);
            }
        }
    }

    private sealed class SpikeRecorder
    {
        private int[] _steps = new int[1024];
        private int[] _neurons = new int[1024];
        private int _count;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Add(int step, int offset, ReadOnlySpan<int> local)
        {
            if (_count + local.Length > _steps.Length)
            {
                int size = Math.Max(_steps.Length * 2, _count + local.Length);
                Array.Resize(ref _steps, size);
                Array.Resize(ref _neurons, size);
            }

            _steps.AsSpan(_count, local.Length).Fill(step);
            for (int k = 0; k < local.Length; k++)
            {
                _neurons[_count + k] = offset + local[k];
            }

            _count += local.Length;
        }

        public int[] Steps() => _steps[.._count];

        public int[] Neurons() => _neurons[.._count];
    }

    private sealed class StateRecorder
    {
        private readonly StateMonitorSpec _spec;
        private readonly Population _population;
        private readonly List<double[]> _samples = [];
        private readonly List<double> _times = [];

        private readonly double _dt;

        public StateRecorder(StateMonitorSpec spec, Population population, int steps, double dt)
        {
            _dt = dt;
            _spec = spec;
            _population = population;
            if (spec.Every < 1 || spec.Neurons.Any(i => i < 0 || i >= population.Size) || !population.VariableNames.Contains(spec.Variable))
            {
                throw new ArgumentException($"State monitor {spec.Population}.{spec.Variable}: bad variable, neuron index or period.");
            }

            _samples.Capacity = steps / spec.Every + 1;
        }

        public void Sample(long step)
        {
            if (step % _spec.Every != 0)
            {
                return;
            }

            double[] values = _population.VariableArray(_spec.Variable);
            var row = new double[_spec.Neurons.Count];
            for (int k = 0; k < row.Length; k++)
            {
                row[k] = values[_spec.Neurons[k]];
            }

            _samples.Add(row);
            _times.Add(step * _dt);
        }

        public StateTrace ToTrace() => new(_spec.Population, _spec.Variable, [.. _spec.Neurons], [.. _times], [.. _samples]);
    }
}
