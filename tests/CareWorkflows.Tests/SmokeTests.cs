namespace CareWorkflows.Tests;
public class SmokeTests { [Fact] public void One_Plus_One() => Assert.Equal(2, 1 + 1); }
