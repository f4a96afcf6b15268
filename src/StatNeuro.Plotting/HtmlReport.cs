using System.Net;
using System.Text;

namespace StatNeuro.Plotting;

/// <summary>One block of a report section.</summary>
public abstract record ReportBlock;

/// <summary>A paragraph of text (HTML-escaped).</summary>
/// <param name="Text">The text.</param>
public sealed record ReportParagraph(string Text) : ReportBlock;

/// <summary>An image referenced by a path relative to the report.</summary>
/// <param name="RelativePath">Path of the PNG relative to index.html.</param>
/// <param name="Caption">Caption.</param>
public sealed record ReportFigure(string RelativePath, string Caption) : ReportBlock;

/// <summary>A small table.</summary>
/// <param name="Caption">Caption.</param>
/// <param name="Header">Column names.</param>
/// <param name="Rows">Cells as text.</param>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : ReportBlock;

/// <summary>A titled section of the report.</summary>
/// <param name="Id">Anchor id.</param>
/// <param name="Title">Heading.</param>
/// <param name="Blocks">Content.</param>
public sealed record ReportSection(string Id, string Title, IReadOnlyList<ReportBlock> Blocks);

/// <summary>Writes a self-contained static HTML report (figures referenced by relative path).</summary>
public static class HtmlReport
{
    /// <summary>Renders the report as HTML.</summary>
    /// <param name="title">Page title.</param>
    /// <param name="preamble">Lines shown under the title.</param>
    /// <param name="sections">The sections.</param>
    /// <returns>HTML text.</returns>
    public static string Render(string title, IReadOnlyList<string> preamble, IReadOnlyList<ReportSection> sections)
    {
        ArgumentNullException.ThrowIfNull(preamble);
        ArgumentNullException.ThrowIfNull(sections);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n")
          .Append("<style>body{font-family:sans-serif;max-width:1000px;margin:2em auto;line-height:1.45}")
          .Append("img{max-width:100%;border:1px solid #ddd}table{border-collapse:collapse;margin:1em 0}")
          .Append("td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}figcaption{color:#555}</style></head><body>\n")
          .Append("<h1>").Append(E(title)).Append("</h1>\n");
        foreach (string line in preamble)
        {
            sb.Append("<p>").Append(E(line)).Append("</p>\n");
        }

        sb.Append("<ul>");
        foreach (ReportSection s in sections)
        {
            sb.Append("<li><a href=\"#").Append(E(s.Id)).Append("\">").Append(E(s.Title)).Append("</a></li>");
        }

        sb.Append("</ul>\n");
        foreach (ReportSection s in sections)
        {
            sb.Append("<h2 id=\"").Append(E(s.Id)).Append("\">").Append(E(s.Title)).Append("</h2>\n");
            foreach (ReportBlock b in s.Blocks)
            {
                switch (b)
                {
                    case ReportParagraph p:
                        sb.Append("<p>").Append(E(p.Text)).Append("</p>\n");
                        break;
                    case ReportFigure f:
                        sb.Append("<figure><img src=\"").Append(E(f.RelativePath)).Append("\" alt=\"").Append(E(f.Caption))
                          .Append("\"><figcaption>").Append(E(f.Caption)).Append("</figcaption></figure>\n");
                        break;
                    case ReportTable t:
                        sb.Append("<table><caption>").Append(E(t.Caption)).Append("</caption><tr>");
                        foreach (string h in t.Header)
                        {
                            sb.Append("<th>").Append(E(h)).Append("</th>");
                        }

                        sb.Append("</tr>\n");
                        foreach (IReadOnlyList<string> row in t.Rows)
                        {
                            sb.Append("<tr>");
                            foreach (string c in row)
                            {
                                sb.Append("<td>").Append(E(c)).Append("</td>");
                            }

                            sb.Append("</tr>\n");
                        }

                        sb.Append("</table>\n");
                        break;
                    default:
                        break;
                }
            }
        }

        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
