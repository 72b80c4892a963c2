namespace CareWorkflows.Host.Hosting;

/// <summary>The landing page: where the API and its description are. The care-team pages come later (issue 8).</summary>
internal static class HomePage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><title>careflow</title></head>
        <body>
        <h1>careflow</h1>
        <p>The care-management workflow engine is running.</p>
        <ul>
          <li><a href="/api/health">Health</a></li>
          <li><a href="/api/definitions">Loaded workflow definitions</a></li>
          <li><a href="/api/openapi.json">OpenAPI description of the API</a></li>
          <li>Worklist of a practice: <code>/api/practices/{practice}/tasks</code>, e.g. <a href="/api/practices/demo/tasks">demo</a></li>
        </ul>
        </body>
        </html>
        """;
}
