using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StatNeuro.Networks;

/// <summary>
/// The main simulation loop for networks without plastic projections, state monitors or per-step callbacks: the
/// delivery of the spikes of step n − 1 is fused with the update of step n, chunk by chunk ("pull" delivery), and
/// the chunks are split statically among persistent worker threads that meet at one barrier per step.
/// </summary>
/// <remarks>
/// <para>For every target chunk [lo, hi) the worker first adds the jumps of all spikes of step n − 1 whose targets lie
/// in [lo, hi) (projections in network order, spikes in neuron order, so every target receives its jumps in exactly
/// the order of the push delivery of <see cref="Network"/>'s general loop: the sums are bit-identical), then applies
/// the external drive and the population kernel. The jumps land in the chunk's state right before the kernel reads it,
/// so the random scatter hits the first-level cache instead of memory.</para>
/// <para>Rows are sorted by target (within each delay bucket), so the targets of a worker's part form one contiguous
/// segment of every row; with more than one thread the split points of every row (or bucket) are computed once, when the
/// stepper is built, and a worker reads its segment with one load.</para>
/// <para>Threads: neurons of every population are split into equal contiguous parts, one per thread, each cut into
/// chunks of at most 1024 neurons. Spikes are kept per chunk (double-buffered by step parity) and always read in
/// chunk order, so the spikes and all sums do not depend on the thread count. One barrier per step (spin, then
/// block) separates the steps; thread n mod T records the spikes of step n while the others start step n + 1.</para>
/// <para>STATNEURO_NET_PROFILE=1 prints per-phase times per thread (gather, pull, update, barrier, record), the spread
/// of the per-step work and the barrier's spin failures and blocks to stderr at the end of a run.</para>
/// </remarks>
internal sealed class FusedStepper
{
    private const int ChunkSize = 1024;

    /// <summary>Ints per cache line (64 bytes): values written by different threads are kept this far apart.</summary>
    private const int Pad = 16;

    /// <summary>Per-phase timing counters (environment variable STATNEURO_NET_PROFILE=1; a JIT-time constant otherwise).</summary>
    private static readonly bool s_profile = Environment.GetEnvironmentVariable("STATNEURO_NET_PROFILE") == "1";
    private long[][] _prof = [];
    private long[][] _profStep = [];
    private StepBarrier? _barrier;
    private readonly Population[] _pops;
    private readonly Chunk[] _chunks;
    private readonly int[][] _chunksOfPop;
    private readonly int[][] _chunksOfThread;
    private readonly Projection[][] _incoming;
    private readonly int[][] _popIndexOfSource;
    private readonly int[][][] _spikes; // [parity][pop] -> local indices, chunk c writes at chunk.Lo
    private readonly int[][] _chunkCounts; // [parity][Slot(chunk)], one cache line per chunk
    private readonly int _threads;
    private readonly bool[] _isSource; // population has outgoing projections
    private readonly int[][][] _gathered; // [thread][pop] spikes of the previous step in neuron order
    private readonly int[][] _gatheredCount; // [thread][Pad + pop], padded against false sharing
    private readonly int[]?[][] _split; // [pop][incoming q]: SplitPoints of the projection (null with one thread)

    public FusedStepper(IReadOnlyList<Population> populations, IReadOnlyList<Projection> projections, int threads)
    {
        _pops = [.. populations];
        _threads = threads;
        var chunks = new List<Chunk>();
        for (int p = 0; p < _pops.Length; p++)
        {
            Population pop = _pops[p];
            if (pop is SpikeSourcePopulation)
            {
                // Stateful cursor over its event list: one chunk, stepped by one thread.
                chunks.Add(new Chunk(p, 0, pop.Size, p % threads, true, pop.Size));
                continue;
            }

            for (int t = 0; t < threads; t++)
            {
                int a = (int)((long)pop.Size * t / threads), b = (int)((long)pop.Size * (t + 1) / threads);
                for (int lo = a; lo < b; lo += ChunkSize)
                {
                    chunks.Add(new Chunk(p, lo, Math.Min(b, lo + ChunkSize), t, lo == a, b));
                }
            }
        }

        _chunks = [.. chunks];
        _chunksOfPop = Enumerable.Range(0, _pops.Length).Select(p => Enumerable.Range(0, _chunks.Length).Where(c => _chunks[c].Pop == p).ToArray()).ToArray();
        _chunksOfThread = Enumerable.Range(0, threads).Select(t => Enumerable.Range(0, _chunks.Length).Where(c => _chunks[c].Thread == t).ToArray()).ToArray();
        var popIndex = new Dictionary<Population, int>(ReferenceEqualityComparer.Instance);
        for (int p = 0; p < _pops.Length; p++)
        {
            popIndex[_pops[p]] = p;
        }

        _incoming = _pops.Select(pop => projections.Where(pr => ReferenceEquals(pr.Target, pop)).ToArray()).ToArray();
        _popIndexOfSource = _incoming.Select(list => list.Select(pr => popIndex[pr.Source]).ToArray()).ToArray();
        _spikes = [_pops.Select(p => new int[p.Size]).ToArray(), _pops.Select(p => new int[p.Size]).ToArray()];
        _chunkCounts = [new int[(_chunks.Length + 2) * Pad], new int[(_chunks.Length + 2) * Pad]];
        _isSource = _pops.Select(pop => projections.Any(pr => ReferenceEquals(pr.Source, pop))).ToArray();
        _gathered = Enumerable.Range(0, threads).Select(_ => _pops.Select((pop, p) => _isSource[p] ? new int[pop.Size] : []).ToArray()).ToArray();
        _split = _pops.Select((pop, p) => _incoming[p].Select(pr => threads > 1 && pop is not SpikeSourcePopulation ? SplitPoints(pr.Matrix!, pop.Size, threads) : null).ToArray()).ToArray();
        _gatheredCount = Enumerable.Range(0, threads).Select(_ => new int[_pops.Length + (2 * Pad)]).ToArray();
    }

    /// <summary>Runs <paramref name="steps"/> steps and hands the spikes of every step to <paramref name="record"/>
    /// (in step order, one call at a time, with the population index and the local indices; with several threads the
    /// workers take turns, worker n mod T records step n right after barrier n).</summary>
    public void Run(long steps, Action<long, int, ReadOnlySpan<int>> record, int[][] counts)
    {
        if (s_profile)
        {
            _prof = Enumerable.Range(0, _threads).Select(_ => new long[48]).ToArray(); // counters at [16, 32): padded
            _profStep = Enumerable.Range(0, _threads).Select(_ => new long[steps]).ToArray();
        }

        long start = Stopwatch.GetTimestamp();
        try
        {
            RunCore(steps, record, counts);
        }
        finally
        {
            if (s_profile)
            {
                ReportProfile(Stopwatch.GetTimestamp() - start);
            }
        }
    }

    private void ReportProfile(long total)
    {
        double ms = 1000.0 / Stopwatch.Frequency;
        Console.Error.WriteLine($"[fused] threads {_threads}, total {total * ms:F1} ms, barrier spin failures {_barrier?.SpinFailures ?? 0}, blocks {_barrier?.Blocks ?? 0}");
        string[] names = ["gather", "pull", "update", "barrier", "record"];
        for (int t = 0; t < _threads; t++)
        {
            Console.Error.WriteLine($"[fused] thread {t}: " + string.Join(", ", names.Select((n, i) => $"{n} {_prof[t][16 + i] * ms:F1}")) + " ms");
            long[] sorted = [.. _profStep[t].Order()];
            if (sorted.Length > 0)
            {
                double us = 1e6 / Stopwatch.Frequency;
                Console.Error.WriteLine($"[fused] thread {t} work per step (us): p10 {sorted[sorted.Length / 10] * us:F1}, median {sorted[sorted.Length / 2] * us:F1}, p90 {sorted[sorted.Length * 9 / 10] * us:F1}, p99 {sorted[sorted.Length * 99 / 100] * us:F1}, max {sorted[^1] * us:F1}, sum above 2x median {sorted.Where(x => x > 2 * sorted[sorted.Length / 2]).Sum() * us / 1000:F1} ms");
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunCore(long steps, Action<long, int, ReadOnlySpan<int>> record, int[][] counts)
    {
        if (_threads == 1)
        {
            for (long step = 0; step < steps; step++)
            {
                Work(0, step);
                long t0 = s_profile ? Stopwatch.GetTimestamp() : 0;
                Record(step, record, counts);
                if (s_profile)
                {
                    _prof[0][16 + 4] += Stopwatch.GetTimestamp() - t0;
                }
            }

            DeliverOnly(0, steps);
            return;
        }

        var barrier = new StepBarrier(_threads);
        _barrier = barrier;
        Exception? failure = null;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        void Body(int t)
        {
            try
            {
                for (long step = 0; step < steps; step++)
                {
                    Work(t, step);
                    long t0 = s_profile ? Stopwatch.GetTimestamp() : 0;
                    barrier.SignalAndWait(t);
                    if (s_profile)
                    {
                        long t1 = Stopwatch.GetTimestamp();
                        _prof[t][16 + 3] += t1 - t0;
                        t0 = t1;
                    }

                    if (step % _threads == t)
                    {
                        // Threads take turns: step n is recorded before barrier n + 1, so calls stay in step order.
                        Record(step, record, counts);
                        if (s_profile)
                        {
                            _prof[t][16 + 4] += Stopwatch.GetTimestamp() - t0;
                        }
                    }
                }

                DeliverOnly(t, steps);
            }
            catch (Exception ex) when (ex is not BarrierAbortedException)
            {
                failure ??= ex;
                barrier.Abort();
            }
            catch (BarrierAbortedException)
            {
            }
        }

        var workers = new Thread[_threads - 1];
        for (int t = 1; t < _threads; t++)
        {
            int id = t;
            workers[t - 1] = new Thread(() => Body(id)) { IsBackground = true, Name = $"statneuro-net-{id}" };
            workers[t - 1].Start();
        }

        Body(0);
        foreach (Thread w in workers)
        {
            w.Join();
        }

        if (failure is not null)
        {
            throw new InvalidOperationException("A simulation worker failed.", failure);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Record(long step, Action<long, int, ReadOnlySpan<int>> record, int[][] counts)
    {
        int parity = (int)(step & 1);
        int[] chunkCounts = _chunkCounts[parity];
        for (int p = 0; p < _pops.Length; p++)
        {
            int total = 0;
            int[] buffer = _spikes[parity][p];
            foreach (int c in _chunksOfPop[p])
            {
                int n = chunkCounts[Slot(c)];
                if (n > 0)
                {
                    total += n;
                    record(step, p, buffer.AsSpan(_chunks[c].Lo, n));
                }
            }

            counts[p][step] = total;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Work(int thread, long step)
    {
        int parity = (int)(step & 1);
        int[][] spikes = _spikes[parity];
        int[] chunkCounts = _chunkCounts[parity];
        long t0 = s_profile ? Stopwatch.GetTimestamp() : 0;
        long tStart = t0;
        if (step > 0)
        {
            Gather(thread, step - 1);
        }

        if (s_profile)
        {
            long t1 = Stopwatch.GetTimestamp();
            _prof[thread][16 + 0] += t1 - t0;
            t0 = t1;
        }

        foreach (int c in _chunksOfThread[thread])
        {
            Chunk chunk = _chunks[c];
            Population pop = _pops[chunk.Pop];
            if (step > 0 && chunk.FirstOfThread)
            {
                Pull(thread, chunk, step - 1);
                if (s_profile)
                {
                    long t1 = Stopwatch.GetTimestamp();
                    _prof[thread][16 + 1] += t1 - t0;
                    t0 = t1;
                }
            }

            pop.ApplyDrive(chunk.Lo, chunk.Hi, step);
            chunkCounts[Slot(c)] = pop.Step(chunk.Lo, chunk.Hi, step, spikes[chunk.Pop].AsSpan(chunk.Lo));
            if (s_profile)
            {
                long t1 = Stopwatch.GetTimestamp();
                _prof[thread][16 + 2] += t1 - t0;
                t0 = t1;
            }
        }

        if (s_profile)
        {
            _profStep[thread][step] = t0 - tStart;
        }
    }

    private void DeliverOnly(int thread, long steps)
    {
        if (steps == 0)
        {
            return;
        }

        Gather(thread, steps - 1);
        foreach (int c in _chunksOfThread[thread])
        {
            if (_chunks[c].FirstOfThread)
            {
                Pull(thread, _chunks[c], steps - 1);
            }
        }
    }

    /// <summary>Adds the jumps of the spikes of step <paramref name="spikeStep"/> onto the targets of <paramref name="chunk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Pull(int thread, Chunk chunk, long spikeStep)
    {
        Projection[] incoming = _incoming[chunk.Pop];
        if (incoming.Length == 0)
        {
            return;
        }

        bool all = chunk.Lo == 0 && chunk.PartHi == _pops[chunk.Pop].Size;
        int t = chunk.Thread, tm = _threads - 1;
        int[][] gathered = _gathered[thread];
        int[] gatheredCount = _gatheredCount[thread];
        for (int q = 0; q < incoming.Length; q++)
        {
            Projection proj = incoming[q];
            int src = _popIndexOfSource[chunk.Pop][q];
            SynapseMatrix m = proj.Matrix!;
            Population target = proj.Target;
            bool direct = target.ReceptorDirect[proj.Receptor];
            double[] buffer = direct ? target.DirectInput(proj.Receptor)! : target.Inputs[proj.Receptor];
            int ring = target.RingLength, n = direct ? 0 : target.Size;
            int[] rowStart = m.RowStart, targets = m.Targets;
            double[]? weights = m.Weights;
            double w = m.ConstantWeight;
            int[]? split = all ? null : _split[chunk.Pop][q];
            ReadOnlySpan<int> sourceSpikes = gathered[src].AsSpan(0, gatheredCount[Pad + src]);
            if (m.BucketRow is null)
            {
                int slotBase = (int)((spikeStep + m.ConstantDelay) % ring) * n;
                foreach (int s in sourceSpikes)
                {
                    int a = rowStart[s], b = rowStart[s + 1];
                    if (split is not null)
                    {
                        int k = s * tm;
                        a = t > 0 ? split[k + t - 1] : a;
                        b = t < tm ? split[k + t] : b;
                    }

                    Scatter(buffer, slotBase, targets, weights, w, a, b);
                }
            }
            else
            {
                int[] bucketStart = m.BucketStart!;
                int[] bucketRow = m.BucketRow;
                ushort[] bucketDelay = m.BucketDelay!;
                foreach (int s in sourceSpikes)
                {
                    int bEnd = bucketRow[s + 1], rowEnd = rowStart[s + 1];
                    for (int bk = bucketRow[s]; bk < bEnd; bk++)
                    {
                        int a = bucketStart[bk], b = bk + 1 < bEnd ? bucketStart[bk + 1] : rowEnd;
                        if (split is not null)
                        {
                            int k = bk * tm;
                            a = t > 0 ? split[k + t - 1] : a;
                            b = t < tm ? split[k + t] : b;
                        }

                        int slotBase = (int)((spikeStep + bucketDelay[bk]) % ring) * n;
                        Scatter(buffer, slotBase, targets, weights, w, a, b);
                    }
                }
            }
        }
    }

    /// <summary>
    /// For every row (or delay bucket) of <paramref name="m"/>, the positions where its sorted targets reach the part starts
    /// of threads 1 … T − 1 of a target population of <paramref name="size"/> neurons (T − 1 ints per row or bucket), so a
    /// worker finds its segment of a row with one load instead of a binary search over a row that is not in cache.
    /// </summary>
    private static int[] SplitPoints(SynapseMatrix m, int size, int threads)
    {
        int tm = threads - 1;
        int[] rowStart = m.RowStart, targets = m.Targets;
        int[] starts = [.. Enumerable.Range(1, tm).Select(t => (int)((long)size * t / threads))];
        if (m.BucketRow is null)
        {
            int[] split = new int[m.PreCount * tm];
            for (int s = 0; s < m.PreCount; s++)
            {
                for (int t = 0; t < tm; t++)
                {
                    split[(s * tm) + t] = LowerBound(targets, rowStart[s], rowStart[s + 1], starts[t]);
                }
            }

            return split;
        }

        int[] bucketRow = m.BucketRow, bucketStart = m.BucketStart!;
        int[] bucketSplit = new int[bucketStart.Length * tm];
        for (int s = 0; s < m.PreCount; s++)
        {
            int bEnd = bucketRow[s + 1];
            for (int bk = bucketRow[s]; bk < bEnd; bk++)
            {
                int a = bucketStart[bk], b = bk + 1 < bEnd ? bucketStart[bk + 1] : rowStart[s + 1];
                for (int t = 0; t < tm; t++)
                {
                    bucketSplit[(bk * tm) + t] = LowerBound(targets, a, b, starts[t]);
                }
            }
        }

        return bucketSplit;
    }

    /// <summary>Concatenates the spikes of step <paramref name="spikeStep"/> per population (chunk order) into this thread's buffers.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Gather(int thread, long spikeStep)
    {
        int parity = (int)(spikeStep & 1);
        int[] chunkCounts = _chunkCounts[parity];
        int[][] gathered = _gathered[thread];
        int[] gatheredCount = _gatheredCount[thread];
        for (int p = 0; p < _pops.Length; p++)
        {
            if (!_isSource[p])
            {
                continue;
            }

            int total = 0;
            int[] buffer = _spikes[parity][p];
            foreach (int c in _chunksOfPop[p])
            {
                int count = chunkCounts[Slot(c)];
                if (count > 0)
                {
                    Array.Copy(buffer, _chunks[c].Lo, gathered[p], total, count);
                    total += count;
                }
            }

            gatheredCount[Pad + p] = total;
        }
    }

    /// <summary>Adds the weights of synapses k = from … end − 1 onto their targets in ring slot <paramref name="slotBase"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Scatter(double[] buffer, int slotBase, int[] targets, double[]? weights, double w, int from, int end)
    {
        // Indices are in range by construction (targets < Size, slotBase + target < buffer length).
        ref double dst = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), slotBase);
        ref int tg = ref MemoryMarshal.GetArrayDataReference(targets);
        if (weights is null)
        {
            int k = from;
            for (; k + 4 <= end; k += 4)
            {
                Unsafe.Add(ref dst, Unsafe.Add(ref tg, k)) += w;
                Unsafe.Add(ref dst, Unsafe.Add(ref tg, k + 1)) += w;
                Unsafe.Add(ref dst, Unsafe.Add(ref tg, k + 2)) += w;
                Unsafe.Add(ref dst, Unsafe.Add(ref tg, k + 3)) += w;
            }

            for (; k < end; k++)
            {
                Unsafe.Add(ref dst, Unsafe.Add(ref tg, k)) += w;
            }
        }
        else
        {
            ref double wt = ref MemoryMarshal.GetArrayDataReference(weights);
            for (int k = from; k < end; k++)
            {
                Unsafe.Add(ref dst, Unsafe.Add(ref tg, k)) += Unsafe.Add(ref wt, k);
            }
        }
    }

    /// <summary>Index of chunk <paramref name="c"/>'s spike count: one cache line per chunk, none shared with the array header.</summary>
    private static int Slot(int c) => (c + 1) * Pad;

    private static int LowerBound(int[] values, int a, int b, int key)
    {
        while (a < b)
        {
            int mid = (a + b) >>> 1;
            if (values[mid] < key)
            {
                a = mid + 1;
            }
            else
            {
                b = mid;
            }
        }

        return a;
    }

    /// <param name="Pop">Population index.</param>
    /// <param name="Lo">First local neuron.</param>
    /// <param name="Hi">One past the last local neuron.</param>
    /// <param name="Thread">Owning thread.</param>
    /// <param name="FirstOfThread">True for the owning thread's first chunk of this population (cursors restart).</param>
    /// <param name="PartHi">End of the owning thread's part of the population (delivery covers [Lo, PartHi) at the first chunk).</param>
    private readonly record struct Chunk(int Pop, int Lo, int Hi, int Thread, bool FirstOfThread, int PartHi);
}

/// <summary>Thrown in the waiting workers when another worker failed.</summary>
internal sealed class BarrierAbortedException : Exception
{
    public BarrierAbortedException()
        : base("Another worker failed.")
    {
    }

    public BarrierAbortedException(string message)
        : base(message)
    {
    }

    public BarrierAbortedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>
/// A reusable barrier for a fixed number of threads: the last arriving thread opens it by advancing a generation
/// counter; the others spin (a step takes microseconds), then yield a few times, then block on a monitor. The spin
/// budget (16 … 2048 polls of about 0.25 µs) adapts to the length of the waits: it doubles after every wait that ended
/// while spinning or within 0.2 ms (an idle machine, peers running), and halves after a longer wait (a peer was
/// descheduled: an oversubscribed machine, where spinning only delays the thread being waited for). A worker whose peer
/// last arrived on the same processor (two workers time-sharing one core) does not spin at all. Halving on every
/// blocked wait, as before, let a few disturbances pin the budget at its minimum, and then nearly every step blocked.
/// </summary>
internal sealed class StepBarrier(int count)
{
    private const int MaxSpin = 2048;
    private const int MinSpin = 16;
    private const int YieldRounds = 4;

    /// <summary>Waits shorter than this (s) grow the spin budget even when they outlasted it: spinning would have paid.</summary>
    private const double ShortWaitSeconds = 2e-4;

    /// <summary>Ints between the processor numbers of two workers (one cache line).</summary>
    private const int CpuSlot = 16;
    private readonly object _lock = new();
    private readonly int _count = count;
    private readonly int[] _cpu = Enumerable.Repeat(-1, (count + 2) * 16).ToArray(); // [(worker + 1) * CpuSlot]
    private int _remaining = count;
    private int _generation;
    private int _blocked;
    private int _spinLimit = 1024;
    private volatile bool _aborted;
    private int _spinFailures;
    private int _blocks;

    /// <summary>Gets the waits that outlasted the spin budget (diagnostics).</summary>
    public int SpinFailures => Volatile.Read(ref _spinFailures);

    /// <summary>Gets the waits that blocked on the monitor (diagnostics).</summary>
    public int Blocks => Volatile.Read(ref _blocks);

    /// <summary>Arrives at the barrier as worker <paramref name="thread"/> and waits for the others.</summary>
    /// <param name="thread">Worker index, 0 … count − 1.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SignalAndWait(int thread)
    {
        int generation = Volatile.Read(ref _generation);
        int cpu = Thread.GetCurrentProcessorId();
        Volatile.Write(ref _cpu[(thread + 1) * CpuSlot], cpu);
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _remaining = _count;
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _blocked) > 0)
            {
                lock (_lock)
                {
                    Monitor.PulseAll(_lock);
                }
            }

            return;
        }

        // A peer that last arrived on this processor is time-sharing it with us: spinning would only keep it off.
        bool sharing = false;
        for (int p = 0; p < _count; p++)
        {
            sharing |= p != thread && Volatile.Read(ref _cpu[(p + 1) * CpuSlot]) == cpu;
        }

        long arrived = Stopwatch.GetTimestamp();
        int limit = sharing ? 0 : Volatile.Read(ref _spinLimit);
        for (int i = 0; i < limit; i++)
        {
            if (Volatile.Read(ref _generation) != generation)
            {
                if (limit < MaxSpin)
                {
                    Volatile.Write(ref _spinLimit, Math.Min(MaxSpin, limit * 2));
                }

                return;
            }

            Thread.SpinWait(4);
        }

        Interlocked.Increment(ref _spinFailures);
        WaitSlow(generation, arrived, sharing);
    }

    /// <summary>Yields, then blocks until <paramref name="generation"/> has passed; then adapts the spin budget to the
    /// length of this wait: a wait shorter than <see cref="ShortWaitSeconds"/> with the peers on other processors (they
    /// were running, only late) doubles it, a longer one (a peer was descheduled: oversubscribed machine) or one spent
    /// sharing a processor halves it.</summary>
    private void WaitSlow(int generation, long arrived, bool sharing)
    {
        bool released = false;
        for (int i = 0; i < YieldRounds && !released; i++)
        {
            released = Volatile.Read(ref _generation) != generation;
            if (!released)
            {
                Thread.Yield();
            }
        }

        if (!released)
        {
            lock (_lock)
            {
                Interlocked.Increment(ref _blocked);
                while (Volatile.Read(ref _generation) == generation && !_aborted)
                {
                    Interlocked.Increment(ref _blocks);
                    Monitor.Wait(_lock);
                }

                Interlocked.Decrement(ref _blocked);
            }
        }

        double waited = (Stopwatch.GetTimestamp() - arrived) / (double)Stopwatch.Frequency;
        int limit = Volatile.Read(ref _spinLimit);
        Volatile.Write(ref _spinLimit, waited < ShortWaitSeconds && !sharing ? Math.Min(MaxSpin, limit * 2) : Math.Max(MinSpin, limit / 2));
        if (_aborted)
        {
            throw new BarrierAbortedException();
        }
    }

    public void Abort()
    {
        _aborted = true;
        lock (_lock)
        {
            Monitor.PulseAll(_lock);
        }
    }
}
