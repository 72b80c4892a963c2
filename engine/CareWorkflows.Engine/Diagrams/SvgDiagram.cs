using System.Globalization;
using System.Net;
using System.Text;
using CareWorkflows.Engine.Definitions;

namespace CareWorkflows.Engine.Diagrams;

/// <summary>
/// Draws a workflow as a self-contained SVG (no script, no web font): steps in layers from the start down, shaped by
/// kind like <see cref="MermaidDiagram"/>, each arrow labelled with the outcome that takes it; a route back up (a
/// retry loop) runs along the right side.
/// </summary>
internal static class SvgDiagram
{
    private const int NodeWidth = 230;
    private const int NodeHeight = 58;
    private const int ColumnGap = 50;
    private const int LayerGap = 70;
    private const int Margin = 30;
    private const string Start = "\u0001start";

    /// <summary>The SVG document of the workflow (an <c>&lt;svg&gt;</c> element with a title and a description).</summary>
    public static string Render(WorkflowDefinition workflow)
    {
        ArgumentNullException.ThrowIfNull(workflow);
        var edges = new List<(string From, string? Label, string To)> { (Start, null, workflow.Steps[0].Id) };
        foreach (var step in workflow.Steps)
        {
            // Outcomes that lead to the same step share one arrow ("not-reached, overdue").
            edges.AddRange(MermaidDiagram.Edges(workflow, step).GroupBy(e => e.Target, StringComparer.Ordinal)
                .Select(g => (step.Id, g.Any(e => e.Label is null) ? null : string.Join(", ", g.Select(e => e.Label)), g.Key)));
        }

        var nodes = new List<string> { Start };
        nodes.AddRange(workflow.Steps.Select(s => s.Id));
        if (edges.Any(e => e.To == StepRef.End))
        {
            nodes.Add(StepRef.End);
        }

        var layers = Layers(nodes, edges);
        var positions = Place(nodes, edges, layers, out var width, out var height);
        var loops = edges.Count(e => layers[e.To] <= layers[e.From]);
        width += loops > 0 ? 40 + (loops * 14) : 0;

        var steps = workflow.Steps.ToDictionary(s => s.Id, StringComparer.Ordinal);
        var svg = new StringBuilder();
        var id = "wf-" + workflow.Id;
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workflow-diagram\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title id=\"{id}-title\">{Text($"{workflow.Title} (version {workflow.Version})")}</title>");
        svg.Append(CultureInfo.InvariantCulture, $"<desc id=\"{id}-desc\">{Text(Describe(workflow, edges))}</desc>");
        svg.Append(CultureInfo.InvariantCulture, $"<defs><marker id=\"{id}-arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#344054\"/></marker></defs>");

        var loop = 0;
        foreach (var (from, label, to) in edges)
        {
            var (x1, y1) = positions[from];
            var (x2, y2) = positions[to];
            string path;
            double lx, ly;
            if (layers[to] > layers[from])
            {
                var (sx, sy, tx, ty) = (x1 + (NodeWidth / 2.0), y1 + NodeHeight, x2 + (NodeWidth / 2.0), y2);
                var bend = (ty - sy) / 2;
                path = F($"M{sx},{sy} C{sx},{sy + bend} {tx},{ty - bend} {tx},{ty}");
                // Labels sit just below the step they leave: an arrow that skips layers passes behind other steps.
                var t = Math.Clamp(32 / (ty - sy), 0.1, 0.4);
                (lx, ly) = (Bezier(t, sx, sx, tx, tx), Bezier(t, sy, sy + bend, ty - bend, ty));
            }
            else
            {
                // A route back up: out of the right side, along a lane of its own, into the target's right side.
                loop++;
                var lane = width - 20 - (loop * 14);
                var (sx, sy, tx, ty) = (x1 + NodeWidth, y1 + (NodeHeight / 2.0) + 6, x2 + NodeWidth, y2 + (NodeHeight / 2.0) - 6);
                path = F($"M{sx},{sy} C{lane},{sy} {lane},{ty} {tx},{ty}");
                (lx, ly) = (lane - 8, (sy + ty) / 2);
            }

            svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"#344054\" stroke-width=\"1.4\" marker-end=\"url(#{id}-arrow)\"/>");
            if (label is not null)
            {
                var shown = Shorten(label, 28);
                var w = (shown.Length * 6.4) + 8;
                svg.Append(F($"<rect x=\"{lx - (w / 2)}\" y=\"{ly - 9}\" width=\"{w}\" height=\"16\" rx=\"3\" fill=\"#ffffff\" stroke=\"#d0d5dd\"/>"));
                svg.Append(F($"<text x=\"{lx}\" y=\"{ly + 3}\" text-anchor=\"middle\" fill=\"#1d2939\">{Text(shown)}<title>{Text(label)}</title></text>"));
            }
        }

        foreach (var node in nodes)
        {
            var (x, y) = positions[node];
            svg.Append(node switch
            {
                Start => Node(x, y, "start", $"{workflow.Title} (v{workflow.Version})", $"starts on {workflow.StartsOn}{(workflow.When is null ? "" : $" when {workflow.When.Text}")}"),
                StepRef.End => Node(x, y, "end", "end", ""),
                _ => Node(x, y, steps[node].Kind, $"{node}: {steps[node].Title ?? steps[node].Kind}", Detail(steps[node])),
            });
        }

        svg.Append("</svg>");
        return svg.ToString();
    }

    // Longest path from the start over the routes that do not go back (found by depth-first search): a step sits
    // below every step that leads to it, except along a loop.
    private static Dictionary<string, int> Layers(List<string> nodes, List<(string From, string? Label, string To)> edges)
    {
        var outgoing = edges.GroupBy(e => e.From).ToDictionary(g => g.Key, g => g.Select(e => e.To).Distinct().ToList(), StringComparer.Ordinal);
        var back = new HashSet<(string, string)>();
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        void Visit(string node)
        {
            state[node] = 1;
            foreach (var next in outgoing.GetValueOrDefault(node) ?? [])
            {
                switch (state.GetValueOrDefault(next))
                {
                    case 0:
                        Visit(next);
                        break;
                    case 1:
                        back.Add((node, next));
                        break;
                }
            }

            state[node] = 2;
            order.Add(node);
        }

        foreach (var node in nodes.Where(n => state.GetValueOrDefault(n) == 0))
        {
            Visit(node);
        }

        order.Reverse();
        var layers = nodes.ToDictionary(n => n, _ => 0, StringComparer.Ordinal);
        foreach (var node in order)
        {
            foreach (var next in (outgoing.GetValueOrDefault(node) ?? []).Where(n => !back.Contains((node, n))))
            {
                layers[next] = Math.Max(layers[next], layers[node] + 1);
            }
        }

        return layers;
    }

    // Within a layer, nodes are ordered by the mean column of the nodes that lead to them, which keeps most arrows short and uncrossed.
    private static Dictionary<string, (double X, double Y)> Place(List<string> nodes, List<(string From, string? Label, string To)> edges, Dictionary<string, int> layers, out double width, out double height)
    {
        var column = new Dictionary<string, double>(StringComparer.Ordinal);
        var byLayer = nodes.GroupBy(n => layers[n]).OrderBy(g => g.Key).Select(g => g.ToList()).ToList();
        foreach (var layer in byLayer)
        {
            var ordered = layer.Select((n, i) => (Node: n, Key: edges.Where(e => e.To == n && column.ContainsKey(e.From)).Select(e => column[e.From]).DefaultIfEmpty(i).Average(), Index: i))
                .OrderBy(t => t.Key).ThenBy(t => t.Index).Select(t => t.Node).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                column[ordered[i]] = i - ((ordered.Count - 1) / 2.0);
            }
        }

        var widest = byLayer.Max(l => l.Count);
        width = (2 * Margin) + (widest * NodeWidth) + ((widest - 1) * ColumnGap);
        height = (2 * Margin) + (byLayer.Count * NodeHeight) + ((byLayer.Count - 1) * LayerGap);
        var center = (width / 2) - (NodeWidth / 2.0);
        return nodes.ToDictionary(n => n, n => (center + (column[n] * (NodeWidth + ColumnGap)), Margin + (layers[n] * (double)(NodeHeight + LayerGap))), StringComparer.Ordinal);
    }

    private static string Node(double x, double y, string kind, string title, string detail)
    {
        var (w, h) = ((double)NodeWidth, (double)NodeHeight);
        var (fill, stroke) = kind switch
        {
            "escalate" => ("#fde2e1", "#b42318"),
            "wait" => ("#eef4ff", "#3538cd"),
            "start" or "end" => ("#f2f4f7", "#475467"),
            "reminder" => ("#fef7e6", "#b54708"),
            "decide" => ("#f4f3ff", "#5925dc"),
            _ => ("#ffffff", "#344054"),
        };
        var shape = kind switch
        {
            "start" or "end" => F($"<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"{h / 2}\"/>"),
            "outreach" => F($"<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\"/><rect x=\"{x + 5}\" y=\"{y + 5}\" width=\"{w - 10}\" height=\"{h - 10}\" rx=\"3\" fill=\"none\"/>"),
            "wait" => F($"<polygon points=\"{x + 14},{y} {x + w - 14},{y} {x + w},{y + (h / 2)} {x + w - 14},{y + h} {x + 14},{y + h} {x},{y + (h / 2)}\"/>"),
            "decide" => F($"<polygon points=\"{x + (w / 2)},{y - 6} {x + w},{y + (h / 2)} {x + (w / 2)},{y + h + 6} {x},{y + (h / 2)}\"/>"),
            "record" => F($"<polygon points=\"{x + 12},{y} {x + w},{y} {x + w - 12},{y + h} {x},{y + h}\"/>"),
            "reminder" => F($"<polygon points=\"{x},{y} {x + w},{y} {x + w - 14},{y + (h / 2)} {x + w},{y + h} {x},{y + h}\"/>"),
            _ => F($"<rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"4\"/>"),
        };
        var full = detail.Length == 0 ? title : $"{title} — {detail}";
        var lines = detail.Length == 0
            ? F($"<text x=\"{x + (w / 2)}\" y=\"{y + (h / 2) + 4}\" text-anchor=\"middle\" font-weight=\"600\">{Text(Shorten(title, 31))}</text>")
            : F($"<text x=\"{x + (w / 2)}\" y=\"{y + 23}\" text-anchor=\"middle\" font-weight=\"600\">{Text(Shorten(title, 31))}</text><text x=\"{x + (w / 2)}\" y=\"{y + 41}\" text-anchor=\"middle\" fill=\"#344054\">{Text(Shorten(detail, 36))}</text>");
        return $"<g class=\"step step-{kind}\" fill=\"{fill}\" stroke=\"{stroke}\"><title>{Text(full)}</title>{shape}<g stroke=\"none\" fill=\"#101828\">{lines}</g></g>";
    }

    private static string Describe(WorkflowDefinition workflow, List<(string From, string? Label, string To)> edges) =>
        $"Starts on {workflow.StartsOn}. " + string.Join(" ", workflow.Steps.Select(s =>
            $"Step {s.Id} ({s.Kind}){(s.Title is null ? "" : $": {s.Title}")}; " +
            string.Join(", ", edges.Where(e => e.From == s.Id).Select(e => $"{e.Label ?? "then"} goes to {e.To}")) + "."));

    private static string Detail(StepDefinition step) => step switch
    {
        TaskStep t => Join(t.Role, t.Due is null ? null : $"due {t.Due}"),
        OutreachStep o => Join(o.Role, $"{o.Attempts} attempts"),
        ReminderStep r => Join(r.Template, r.Time.ToString()),
        WaitStep w => Join($"for {string.Join(" or ", w.For)}", w.Timeout is null ? null : $"timeout {w.Timeout}"),
        RecordStep r => r.List is not null ? $"list {r.List}" : $"{r.Fact} = {r.Value}",
        EscalateStep e => Join(e.Role, e.Reason),
        EndStep e => e.Reason ?? "",
        _ => step.Kind,
    };

    private static double Bezier(double t, double p0, double p1, double p2, double p3) =>
        (Math.Pow(1 - t, 3) * p0) + (3 * Math.Pow(1 - t, 2) * t * p1) + (3 * (1 - t) * t * t * p2) + (Math.Pow(t, 3) * p3);

    private static string Join(params string?[] parts) => string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p)));

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    private static string Text(string text) => WebUtility.HtmlEncode(text);

    private static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
