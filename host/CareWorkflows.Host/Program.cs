using System.CommandLine;
using CareWorkflows.Host.Cli;

var root = new RootCommand("careflow — runs YAML-defined care-management workflows for primary-care practices.")
{
    ServeCommand.Create(),
    ValidateCommand.Create(),
    DiagramCommand.Create(),
    SimulateCommand.Create(),
    ImportCommand.Create(),
    DefinitionsCommand.Create(),
    ReportCommand.Create(),
    StratifyCommand.Create(),
    WhatIfCommand.Create(),
    DiffCommand.Create(),
    KeysCommand.Create(),
    CareWorkflows.Host.Bench.BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
