/**
 * Flat parameters in, checked values out: each one against its declaration (type, range, enum), unknown names
 * refused (a misspelt filter must not silently widen an evidence question). A bad value is a ParamError naming it.
 */
import { canonicalIp } from '../../import/normalize';
import { parseDateTime } from '../graphql/scalars';
import { ParamError, type Param, type RestRoute } from './definition';

export const DEFAULT_TOP = 100;
export const MAX_TOP = 500;

/** Names every route understands besides its own. */
export const PAGE_PARAMS = ['top', '$skiptoken', 'skiptoken'] as const;
export const FORMAT_PARAM = 'format';

const clip = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}... (${text.length} chars)` : text);

function one(param: Param, raw: string): unknown {
  const text = raw.trim();
  switch (param.type) {
    case 'integer': {
      const n = Number(text);
      if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n)) throw new ParamError(param.name, `${param.name} must be a whole number (got ${clip(raw)}).`);
      if ((param.minimum !== undefined && n < param.minimum) || (param.maximum !== undefined && n > param.maximum)) {
        throw new ParamError(param.name, `${param.name} must be between ${param.minimum} and ${param.maximum} (got ${n}).`);
      }
      return n;
    }
    case 'boolean':
      if (!/^(true|false)$/i.test(text)) throw new ParamError(param.name, `${param.name} must be true or false (got ${clip(raw)}).`);
      return text.toLowerCase() === 'true';
    case 'date-time':
      try {
        return parseDateTime(text).toISOString();
      } catch (error) {
        throw new ParamError(param.name, `${param.name}: ${(error as Error).message}`);
      }
    case 'ip': {
      const ip = canonicalIp(text);
      if (!ip) throw new ParamError(param.name, `${param.name}: ${clip(raw)} is not an IP address: use IPv4 like 203.0.113.7 or IPv6 like 2001:db8::1.`);
      return ip.address;
    }
    case 'enum': {
      const value = text.toUpperCase();
      if (!param.enum!.includes(value)) throw new ParamError(param.name, `${param.name} must be one of ${param.enum!.join(', ')} (got ${clip(raw)}).`);
      return value;
    }
    default:
      if (text.includes('\u0000')) throw new ParamError(param.name, `${param.name} contains a NUL character.`);
      return text;
  }
}

/** Query values of one name: repeated parameters and (for lists) comma-separated values. */
function rawValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is string => typeof v === 'string');
}

export interface Paging {
  top: number;
  skiptoken: string | null;
}

/** The route's parameters from path and query; undefined for those not given (and without a default). */
export function readParams(route: RestRoute, pathParams: Record<string, string>, query: Record<string, unknown>): Record<string, unknown> {
  const known = new Set<string>([...route.params.map((p) => p.name), FORMAT_PARAM, ...(route.shape === 'page' ? PAGE_PARAMS : [])]);
  for (const name of Object.keys(query)) {
    if (!known.has(name)) {
      const names = [...known].filter((n) => !route.params.some((p) => p.name === n && p.in === 'path'));
      throw new ParamError(name, `Unknown parameter ${clip(name)}: this route takes ${names.join(', ')}.`);
    }
  }
  const values: Record<string, unknown> = {};
  for (const param of route.params) {
    const given = param.in === 'path' ? rawValues(pathParams[param.name]) : rawValues(query[param.name]);
    const texts = (param.list ? given.flatMap((v) => v.split(',')) : given).filter((v) => v.trim() !== '');
    if (!param.list && given.length > 1) throw new ParamError(param.name, `${param.name} may be given once.`);
    if (!texts.length) {
      if (param.required) throw new ParamError(param.name, `${param.name} is required: ${param.description}`);
      if (param.default !== undefined) values[param.name] = param.default;
      continue;
    }
    values[param.name] = param.list ? [...new Set(texts.map((t) => one(param, t)))] : one(param, texts[0]);
  }
  const fromValue = values.from as string | undefined;
  const toValue = values.to as string | undefined;
  if (fromValue && toValue && fromValue > toValue) throw new ParamError('from', `from (${fromValue}) is after to (${toValue}): swap them.`);
  route.check?.(values);
  return values;
}

export function readPaging(query: Record<string, unknown>): Paging {
  const topText = rawValues(query.top)[0];
  let top = DEFAULT_TOP;
  if (topText !== undefined) {
    top = Number(topText);
    if (!/^\d+$/.test(topText.trim()) || top < 1 || top > MAX_TOP) throw new ParamError('top', `top must be between 1 and ${MAX_TOP} (got ${clip(topText)}); follow nextLink for more.`);
  }
  const token = rawValues(query.$skiptoken)[0] ?? rawValues(query.skiptoken)[0] ?? null;
  return { top, skiptoken: token || null };
}
