import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, int, list, loadConfig, loadDefaults, str, url } from './load-config.js';

const schema = {
  KAFKA_BROKERS: list({ description: 'Kafka bootstrap servers' }),
  PORT: int({ description: 'ops port', min: 1, max: 65535, default: 8080 }),
  REGISTRY: url({ description: 'schema registry', protocols: ['http', 'https'] }),
  API_KEY: str({ description: 'key', secret: true, optional: true }),
};

describe('loadConfig', () => {
  it('names every missing or invalid variable in one error', () => {
    let error: unknown;
    try {
      loadConfig(schema, { PORT: '70000', REGISTRY: 'not a url' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.some((p) => p.startsWith('KAFKA_BROKERS is required'))).toBe(true);
    expect(problems.some((p) => p.startsWith('PORT="70000" must be <= 65535'))).toBe(true);
    expect(problems.some((p) => p.startsWith('REGISTRY="not a url" must be an absolute URL'))).toBe(true);
  });

  it('never echoes a secret value in an error', () => {
    const secretSchema = { API_KEY: int({ description: 'numeric key', secret: true }) };
    expect(() => loadConfig(secretSchema, { API_KEY: 'sk-very-secret' })).toThrow(/API_KEY=<redacted>/);
    expect(() => loadConfig(secretSchema, { API_KEY: 'sk-very-secret' })).not.toThrow(/sk-very-secret/);
  });

  it('applies defaults and parses typed values', () => {
    const config = loadConfig(schema, {
      KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093',
      REGISTRY: 'http://r/',
    });
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.PORT).toBe(8080);
    expect(config.REGISTRY).toBe('http://r');
    expect(config.API_KEY).toBeUndefined();
  });

  describe('a secret from <NAME>_FILE', () => {
    const fileSchema = { PASSWORD: str({ description: 'broker password', secret: true, fromFile: true }) };
    const PASSWORD = 'scram-Pa55-from-a-mounted-secret';
    const secretFile = (content: string): string => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'config-file-'));
      const file = path.join(dir, 'password');
      fs.writeFileSync(file, content, { mode: 0o600 });
      return file;
    };

    it('reads the file content, without its trailing newline', () => {
      const file = secretFile(`${PASSWORD}\n`);
      expect(loadConfig(fileSchema, { PASSWORD_FILE: file }).PASSWORD).toBe(PASSWORD);
    });

    it('refuses both the variable and its file, naming them, never the value', () => {
      const file = secretFile(PASSWORD);
      const load = (): unknown => loadConfig(fileSchema, { PASSWORD: 'inline-secret', PASSWORD_FILE: file });
      expect(load).toThrow(/PASSWORD and PASSWORD_FILE are both set/);
      expect(load).not.toThrow(/inline-secret|scram-Pa55/);
    });

    it('names an unreadable file and its error code', () => {
      const missing = path.join(os.tmpdir(), 'no-such-dir-config-test', 'password');
      expect(() => loadConfig(fileSchema, { PASSWORD_FILE: missing })).toThrow(
        `PASSWORD_FILE=${JSON.stringify(missing)} cannot be read (ENOENT)`,
      );
    });

    it('ignores <NAME>_FILE for a variable not declared fromFile', () => {
      const plain = { TOKEN: str({ description: 'token', optional: true }) };
      expect(loadConfig(plain, { TOKEN_FILE: secretFile('x') }).TOKEN).toBeUndefined();
    });
  });
});

describe('loadDefaults', () => {
  const schema = {
    URL: url({ description: 'required' }),
    ATTEMPTS: int({ description: 'with a default', default: 5, min: 1 }),
    NAME: str({ description: 'optional', optional: true }),
  };

  it("gives a service's defaults, lets its variables override them, and refuses to invent a required one", () => {
    expect(loadDefaults(schema, {}).ATTEMPTS).toBe(5);
    expect(loadDefaults(schema, { ATTEMPTS: '7' }).ATTEMPTS).toBe(7);
    expect(loadDefaults(schema, {}).NAME).toBeUndefined();
    expect(() => loadDefaults(schema, {}).URL).toThrow(/URL has no default/);
  });

  it('still validates what it reads', () => {
    expect(() => loadDefaults(schema, { ATTEMPTS: '0' })).toThrow(/ATTEMPTS/);
  });
});
