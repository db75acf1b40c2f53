import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Infer } from '../../common/proto/fields';
import { messageSchema } from '../../common/proto/openapi';
import { ERROR_SCHEMA, RpcArgs } from '../../common/proto/rpc.decorator';
import { StartImportReq } from './imports.dto';
import { ImportJob, ImportsService } from './imports.service';

function toWire(j: ImportJob) {
  return {
    import_id: j.importId,
    from: j.from,
    status: j.status,
    started_at: j.startedAt,
    ...(j.endedAt ? { ended_at: j.endedAt } : {}),
    ...(j.summary ? { summary: j.summary } : {}),
    ...(j.error ? { error: j.error } : {}),
  };
}

/** Admin: import an MLflow server or database into this server (as `tsflow import`), with progress. */
@ApiTags('Admin')
@Controller('api/v1/admin/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start an import from an MLflow server or database (admins)',
    description:
      'Runs in this process; poll GET /api/v1/admin/imports/{import_id} for progress. A second import of the same source ' +
      'writes only what is new or changed. An unreachable source or an unknown schema revision is a 400 with the reason.',
  })
  @ApiBody({ schema: { ...messageSchema(StartImportReq), example: { from: 'http://mlflow:5000' } } })
  @ApiResponse({ status: 400, schema: ERROR_SCHEMA })
  async start(@RpcArgs(StartImportReq) req: Infer<typeof StartImportReq>) {
    return { import: toWire(await this.imports.start(req)) };
  }

  @Get()
  @ApiOperation({ summary: 'Imports started since this server started, newest first (admins)' })
  list() {
    return { imports: this.imports.list().map(toWire) };
  }

  @Get(':import_id')
  @ApiOperation({ summary: 'Progress or result of an import (admins)' })
  @ApiResponse({ status: 404, schema: ERROR_SCHEMA })
  get(@Param('import_id') importId: string) {
    return { import: toWire(this.imports.get(importId)) };
  }
}
