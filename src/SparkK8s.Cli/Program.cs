using SparkK8s.Cli;

return await CliApplication.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
