using System.Xml.Linq;
using CareWorkflows.Engine.Definitions;
using CareWorkflows.Engine.Diagrams;

namespace CareWorkflows.Tests.Diagrams;

public class SvgDiagramTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly Lazy<DefinitionSet> Definitions = new(() => DefinitionLoader.LoadOrThrow(RepositoryPaths.Workflows, RepositoryPaths.Rules));

    public static TheoryData<string> StandardWorkflows() => [.. Definitions.Value.Standards.Select(w => w.Id)];

    [Theory]
    [MemberData(nameof(StandardWorkflows))]
    public void Render_StandardWorkflow_IsSvgWithEveryStepTitledAndNoStepsOverlapping(string id)
    {
        var workflow = Definitions.Value.WorkflowFor(id, null)!;

        var svg = XElement.Parse(SvgDiagram.Render(workflow));

        Assert.Equal(Svg + "svg", svg.Name);
        Assert.Equal("img", (string?)svg.Attribute("role"));
        Assert.Contains(workflow.Title, svg.Element(Svg + "title")!.Value, StringComparison.Ordinal);
        var steps = svg.Elements(Svg + "g").Where(g => ((string?)g.Attribute("class"))?.StartsWith("step ", StringComparison.Ordinal) == true).ToList();
        foreach (var step in workflow.Steps)
        {
            Assert.Single(steps, g => g.Element(Svg + "title")!.Value.StartsWith($"{step.Id}: ", StringComparison.Ordinal));
            Assert.Contains($"Step {step.Id} ({step.Kind})", svg.Element(Svg + "desc")!.Value, StringComparison.Ordinal);
        }

        var boxes = steps.Select(g => g.Descendants().First(e => e.Name == Svg + "rect" || e.Name == Svg + "polygon")).Select(Box).ToList();
        for (var i = 0; i < boxes.Count; i++)
        {
            for (var j = i + 1; j < boxes.Count; j++)
            {
                Assert.False(boxes[i].X < boxes[j].X + 200 && boxes[j].X < boxes[i].X + 200 && Math.Abs(boxes[i].Y - boxes[j].Y) < 50, $"two steps of {id} are drawn on top of each other");
            }
        }
    }

    [Fact]
    public void Render_TitleWithMarkup_IsEscaped()
    {
        var workflow = Definitions.Value.WorkflowFor("transition-of-care", null)! with { Title = "Care <script>alert(1)</script> & more" };

        var text = SvgDiagram.Render(workflow);

        Assert.DoesNotContain("<script>", text, StringComparison.Ordinal);
        Assert.Contains("Care &lt;script&gt;", text, StringComparison.Ordinal);
    }

    private static (double X, double Y) Box(XElement shape) => shape.Name.LocalName == "rect"
        ? ((double)shape.Attribute("x")!, (double)shape.Attribute("y")!)
        : (shape.Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).Min(),
           shape.Attribute("points")!.Value.Split(' ').Select(p => double.Parse(p.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)).Min());
}
