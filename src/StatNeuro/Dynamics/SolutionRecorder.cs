namespace StatNeuro.Dynamics;

/// <summary>Collects saved times and states of a solve according to <see cref="SolveOptions"/>.</summary>
internal sealed class SolutionRecorder
{
    private readonly int _dimension;
    private readonly List<double> _times = [];
    private readonly List<double> _states = [];
    private readonly IReadOnlyList<double>? _saveAt;
    private readonly int _saveEvery;
    private readonly bool _saveEvents;
    private readonly double[] _buffer;
    private int _nextSaveAt;
    private long _acceptedSinceSave;

    public SolutionRecorder(int dimension, SolveOptions options)
    {
        _dimension = dimension;
        _saveAt = options.SaveAt;
        _saveEvery = options.SaveEvery;
        _saveEvents = options.SaveAtEvents;
        _buffer = new double[dimension];
        if (_saveAt is not null)
        {
            for (int i = 1; i < _saveAt.Count; i++)
            {
                if (!(_saveAt[i] >= _saveAt[i - 1]))
                {
                    throw new ArgumentException("SaveAt times must be sorted in increasing order.", nameof(options));
                }
            }
        }
    }

    /// <summary>True when states must be interpolated inside steps (SaveAt mode).</summary>
    public bool UsesSaveAt => _saveAt is not null;

    /// <summary>Whether a SaveAt time lies in (ta, tb] (so the step's interpolant is needed).</summary>
    public bool NeedsInterpolation(double tb) => _saveAt is not null && _nextSaveAt < _saveAt.Count && _saveAt[_nextSaveAt] <= tb;

    public void SaveInitial(double t, ReadOnlySpan<double> y)
    {
        if (_saveAt is null)
        {
            Add(t, y);
            return;
        }

        while (_nextSaveAt < _saveAt.Count && _saveAt[_nextSaveAt] < t)
        {
            _nextSaveAt++; // times before the start cannot be produced
        }

        while (_nextSaveAt < _saveAt.Count && _saveAt[_nextSaveAt] == t)
        {
            Add(t, y);
            _nextSaveAt++;
        }
    }

    /// <summary>
    /// SaveAt mode: saves every requested time in (ta, tb] from the segment's interpolant (or the end state when the
    /// time equals tb).
    /// </summary>
    public void SaveSegment(double tb, IDenseOutput? dense, ReadOnlySpan<double> yEnd)
    {
        if (_saveAt is null)
        {
            return;
        }

        while (_nextSaveAt < _saveAt.Count && _saveAt[_nextSaveAt] <= tb)
        {
            double ts = _saveAt[_nextSaveAt];
            if (ts == tb || dense is null)
            {
                Add(ts, yEnd);
            }
            else
            {
                dense.Evaluate(ts, _buffer);
                Add(ts, _buffer);
            }

            _nextSaveAt++;
        }
    }

    /// <summary>SaveEvery mode: called after each accepted step.</summary>
    public void StepAccepted(double t, ReadOnlySpan<double> y, bool isFinal)
    {
        if (_saveAt is not null)
        {
            return;
        }

        _acceptedSinceSave++;
        if (isFinal || (_saveEvery > 0 && _acceptedSinceSave >= _saveEvery))
        {
            Add(t, y);
            _acceptedSinceSave = 0;
        }
    }

    /// <summary>Saves the states just before and after an event when <see cref="SolveOptions.SaveAtEvents"/> is set.</summary>
    public void EventState(double t, ReadOnlySpan<double> y)
    {
        if (_saveEvents && _saveAt is null)
        {
            Add(t, y);
        }
    }

    /// <summary>Makes sure the final state is stored (failure or termination before the regular final save).</summary>
    public void EnsureFinal(double t, ReadOnlySpan<double> y)
    {
        if (_saveAt is not null)
        {
            return;
        }

        if (_times.Count == 0 || _times[^1] != t)
        {
            Add(t, y);
        }
    }

    public OdeSolution Build(SolveStatus status, SolverStatistics statistics, IReadOnlyList<EventOccurrence>? events) =>
        new(_dimension, [.. _times], [.. _states], status, statistics, events);

    private void Add(double t, ReadOnlySpan<double> y)
    {
        _times.Add(t);
        for (int i = 0; i < y.Length; i++)
        {
            _states.Add(y[i]);
        }
    }
}
