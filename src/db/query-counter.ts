import { AbstractLogger, type LogLevel, type LogMessage, type QueryRunner } from 'typeorm';

/**
 * Counts the SQL statements TypeORM sends. The API tests use it to prove that the number of statements a
 * request makes does not grow with the size of its result (no N+1).
 */
export class QueryCounter extends AbstractLogger {
  count = 0;

  override logQuery(_query: string, _parameters?: unknown[], _queryRunner?: QueryRunner): void {
    this.count += 1;
  }

  protected writeLog(_level: LogLevel, _message: LogMessage | LogMessage[] | string | number, _queryRunner?: QueryRunner): void {}
}
