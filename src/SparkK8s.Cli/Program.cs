using System.Text;
using SparkK8s.Cli;

// Standard output with a 64 KiB buffer, flushed after every write as Console.Out is. Through Console.Out a large
// report (the JSON of a directory of thousands of event logs) took one write system call per 256 bytes (strace -c).
// Only for UTF-8 output (the usual Linux console); any other encoding keeps Console.Out as it is.
if (Console.OutputEncoding.CodePage == Encoding.UTF8.CodePage)
{
    var stdout = Console.OpenStandardOutput();
    Console.SetOut(TextWriter.Synchronized(new StreamWriter(stdout, new UTF8Encoding(false), 64 * 1024) { AutoFlush = true }));
    SparkK8s.Cli.Output.StandardOutput.Use(Console.Out, stdout);
}

return await CliApplication.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
