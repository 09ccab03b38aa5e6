import TwipCommands

#if canImport(Glibc)
    import Glibc
#endif

CLI.prepareProcess()
let status = await CLI.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
