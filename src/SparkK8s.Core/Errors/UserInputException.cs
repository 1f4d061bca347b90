namespace SparkK8s.Core.Errors;

/// <summary>
/// Bad input from the user (unknown preset, malformed flag value, unreadable file...).
/// The CLI maps it to exit code 2 and prints <see cref="Exception.Message"/> without a stack trace.
/// The message must name the offending flag, field or file and say how to fix it.
/// </summary>
public class UserInputException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// A failure of the environment or of an operation (a tool failed, a server is unreachable,
/// a checksum does not match). The CLI maps it to exit code 1 and prints the message only.
/// </summary>
public class OperationFailedException(string message, Exception? inner = null) : Exception(message, inner);
