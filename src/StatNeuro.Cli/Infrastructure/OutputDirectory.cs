namespace StatNeuro.Cli.Infrastructure;

/// <summary>
/// Stages a command's files in a hidden sibling folder and moves them into the target folder only when the run
/// succeeded (each file replaced by an atomic rename). A failed run leaves the target untouched.
/// </summary>
internal sealed class OutputDirectory : IDisposable
{
    private readonly List<string> _files = [];
    private bool _committed;

    public OutputDirectory(string target)
    {
        Target = Path.GetFullPath(target);
        if (File.Exists(Target))
        {
            throw new CliUsageException($"--out '{target}' is a file, not a folder; give a folder path.");
        }

        string parent = Path.GetDirectoryName(Target) ?? ".";
        Staging = Path.Combine(parent, $".{Path.GetFileName(Target)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(Staging);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"cannot write to --out '{target}': {ex.Message}");
        }
    }

    /// <summary>The final folder.</summary>
    public string Target { get; }

    /// <summary>The staging folder where files are written first.</summary>
    public string Staging { get; }

    /// <summary>Returns the staging path for a relative file name and remembers it for commit.</summary>
    /// <param name="relativePath">File name relative to the output folder.</param>
    /// <returns>Absolute path to write to.</returns>
    public string PathFor(string relativePath)
    {
        string p = Path.Combine(Staging, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        if (!_files.Contains(relativePath))
        {
            _files.Add(relativePath);
        }

        return p;
    }

    /// <summary>Moves every staged file into the target folder.</summary>
    public void Commit()
    {
        Directory.CreateDirectory(Target);
        foreach (string rel in _files)
        {
            string src = Path.Combine(Staging, rel);
            if (!File.Exists(src))
            {
                continue;
            }

            string dst = Path.Combine(Target, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dst)!);
            File.Move(src, dst, overwrite: true);
        }

        _committed = true;
        TryDelete();
    }

    public void Dispose()
    {
        if (!_committed)
        {
            TryDelete();
        }
    }

    private void TryDelete()
    {
        try
        {
            if (Directory.Exists(Staging))
            {
                Directory.Delete(Staging, recursive: true);
            }
        }
        catch (IOException)
        {
            // Best effort: a leftover hidden staging folder never replaces real output.
        }
    }
}
