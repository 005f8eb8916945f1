import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { profileFilePath, readProfileFile } from '../config/profile-file.js';
import {
  type CredentialFlags,
  type ResolvedConfig,
  resolveConfig,
  SETTINGS,
} from '../config/resolve-config.js';
import { CliUsageError } from '../exit-codes.js';
import { Output, type OutputStreams } from '../output.js';

export interface CliStreams extends OutputStreams {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

/** What every command gets: the streams, the environment, and helpers that read the global options. */
export interface CliContext {
  streams: CliStreams;
  output(command: Command): Output;
  config(command: Command): ResolvedConfig;
  /** `@file` → the file's text, `-` → standard input, anything else → itself. */
  readArgument(value: string): Promise<string>;
}

export function createContext(streams: CliStreams): CliContext {
  return {
    streams,
    output(command) {
      const globals = command.optsWithGlobals() as { json?: boolean; color?: boolean };
      return new Output(streams, { json: globals.json === true, color: globals.color });
    },
    config(command) {
      const flags = command.optsWithGlobals() as CredentialFlags;
      return resolveConfig(flags, streams.env, readProfileFile(profileFilePath(streams.env)));
    },
    async readArgument(value) {
      if (value === '-') return readAll(streams.stdin);
      if (value.startsWith('@')) {
        try {
          return readFileSync(value.slice(1), 'utf8');
        } catch (error) {
          throw new CliUsageError(
            `cannot read ${value.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          );
        }
      }
      return value;
    },
  };
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Adds the credential options (flag > environment > profile) to a command. */
export function withCredentialOptions(command: Command): Command {
  command.option(
    '--profile <name>',
    'use this profile (default: WXPAY_KIT_PROFILE, then the profile file default)',
  );
  for (const setting of SETTINGS) {
    const option = new Option(setting.option, `${setting.key} (env ${setting.env})`);
    if (setting.key === 'platformCertificates') {
      option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
    }
    command.addOption(option);
  }
  return command;
}

/** `--data` as an object: inline JSON, `@file.json` or `-` for standard input. */
export async function readJsonObject(
  context: CliContext,
  value: string,
  flag: string,
): Promise<Record<string, unknown>> {
  const text = await context.readArgument(value);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliUsageError(`${flag} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliUsageError(`${flag} must be a JSON object`);
  }
  return parsed as Record<string, unknown>;
}
