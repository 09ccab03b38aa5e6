#!/usr/bin/env python3
"""Writes twip's man page (roff, section 1) from `twip --experimental-dump-help`, the command tree as
swift-argument-parser describes it: every command with its abstract, discussion, arguments and options."""
import json
import subprocess
import sys
import datetime


def roff(text):
    """Text made safe for roff: backslashes and leading dots or quotes escaped."""
    text = (text or "").replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def option_names(argument):
    names = []
    for name in argument.get("names", []):
        prefix = "--" if name["kind"] == "long" else "-"
        names.append(prefix + name["name"])
    return ", ".join(names)


def render_arguments(arguments, out):
    shown = [a for a in arguments or [] if a.get("shouldDisplay", True)]
    for argument in shown:
        if argument["kind"] == "positional":
            label = "<" + argument.get("valueName", "value") + ">"
        else:
            label = option_names(argument)
            if argument["kind"] == "option":
                label += " <" + argument.get("valueName", "value") + ">"
        out.append(".TP")
        out.append("\\fB" + roff(label) + "\\fR")
        text = argument.get("abstract", "")
        if argument.get("defaultValue") not in (None, ""):
            text += " (default: " + argument["defaultValue"] + ")"
        out.append(roff(text))


def render_command(command, path, out):
    out.append(".SS " + roff(" ".join(path)))
    if command.get("abstract"):
        out.append(roff(command["abstract"]))
    if command.get("discussion"):
        out.append(".PP")
        out.append(roff(command["discussion"]))
    render_arguments(command.get("arguments"), out)
    for sub in command.get("subcommands", []) or []:
        render_command(sub, path + [sub["commandName"]], out)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "twip"
    dump = subprocess.run([binary, "--experimental-dump-help"], capture_output=True, text=True, check=True).stdout
    root = json.loads(dump)["command"]
    version = subprocess.run([binary, "version"], capture_output=True, text=True).stdout.strip()
    out = [
        '.TH TWIP 1 "%s" "%s" "User Commands"' % (datetime.date.today().isoformat(), version),
        ".SH NAME",
        "twip \\- " + roff(root.get("abstract", "")),
        ".SH SYNOPSIS",
        ".B twip",
        "\\fIENV\\fR \\fIACTION\\fR [\\fIARGS\\fR]",
        ".br",
        ".B twip",
        "\\-f \\fIFILE\\fR \\fIACTION\\fR [\\fIARGS\\fR]",
        ".br",
        ".B twip",
        "\\fICOMMAND\\fR [\\fIARGS\\fR]",
        ".SH DESCRIPTION",
        roff(root.get("discussion", "")),
        ".PP",
        "ENV names the stack file stacks/ENV.yml. \\fBtwip ENV \\-\\-help\\fR lists the actions;"
        " \\fBtwip ENV ACTION \\-\\-help\\fR shows an action's options.",
        ".SH OPTIONS",
    ]
    render_arguments(root.get("arguments"), out)
    out.append(".SH COMMANDS")
    for sub in root.get("subcommands", []) or []:
        render_command(sub, ["twip", sub["commandName"]], out)
    out += [
        ".SH ENVIRONMENT",
        ".TP",
        "\\fBDOCKER_HOST\\fR, \\fBDOCKER_CONTEXT\\fR, \\fBDOCKER_TLS_VERIFY\\fR, \\fBDOCKER_CERT_PATH\\fR",
        "Which engine to reach, as the docker CLI reads them.",
        ".TP",
        "\\fBNO_COLOR\\fR",
        "When set and not empty, no colour sequences are printed.",
        ".SH EXIT STATUS",
        "0 success, 1 operation failed, 2 bad usage or invalid stack, 3 engine unreachable.",
    ]
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
