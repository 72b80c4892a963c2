namespace CareWorkflows.Tests.Interop.Hl7v2;

/// <summary>The HL7 v2 test messages of Interop/Hl7v2/Data (see its README for their source).</summary>
internal static class Hl7TestData
{
    public static string Folder => Path.Join(RepositoryPaths.Root, "tests", "CareWorkflows.Tests", "Interop", "Hl7v2", "Data");

    /// <summary>A message file with its segments ended by CR, as sent on the wire.</summary>
    public static string Message(string name) =>
        File.ReadAllText(Path.Join(Folder, name)).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n').Replace('\n', '\r') + "\r";
}
