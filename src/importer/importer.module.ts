import { Module } from '@nestjs/common';
import { StorageModule } from '../storage/storage.module';
import { ImportsController } from './http/imports.controller';
import { ImportsService } from './http/imports.service';

/** Import from MLflow (`POST /api/v1/admin/imports`); the CLI uses the same importer directly. */
@Module({
  imports: [StorageModule],
  controllers: [ImportsController],
  providers: [ImportsService],
})
export class ImporterModule {}
